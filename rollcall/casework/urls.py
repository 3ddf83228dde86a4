from django.urls import path

from rollcall.casework import views

app_name = "casework"

# Served under /registers/, where offices have always found them.
urlpatterns = [
    path("follow-up", views.follow_up, name="follow_up"),
    path("pupils/<str:urn>/<int:pupil_id>", views.pupil, name="pupil"),
]
