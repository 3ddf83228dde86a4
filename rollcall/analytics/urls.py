from django.urls import path

from rollcall.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("schools.csv", views.schools_csv_download, name="schools_csv"),
    path("schools/<str:urn>", views.school, name="school"),
    path("schools/<str:urn>/pupils.csv", views.school_csv, name="school_csv"),
    path("pupils/<str:upn>", views.pupil, name="pupil"),
    path("cohorts", views.cohorts, name="cohorts"),
    path("worklist", views.worklist, name="worklist"),
    path("worklist/<int:item_id>", views.worklist_item, name="worklist_item"),
]
