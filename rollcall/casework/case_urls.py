from django.urls import path

from rollcall.casework import access_views
from rollcall.casework import case_views as views

app_name = "cases"

urlpatterns = [
    path("", views.index, name="index"),
    path("new", views.new, name="new"),
    path("<int:case_id>", views.detail, name="detail"),
    path("<int:case_id>/move", views.move, name="move"),
    path("<int:case_id>/note", views.note, name="note"),
    path("<int:case_id>/close", views.close, name="close"),
    path("<int:case_id>/reopen", views.reopen, name="reopen"),
    path("<int:case_id>/fast-track", views.fast_track, name="fast_track"),
    path("<int:case_id>/tasks/<int:task_id>", views.task_done, name="task_done"),
    path("<int:case_id>/documents/new", views.document_add, name="document_add"),
    path(
        "<int:case_id>/documents/<int:document_id>",
        views.document_download,
        name="document_download",
    ),
    path("access", access_views.access_index, name="access"),
    path("access/<str:urn>/new", access_views.access_grant, name="access_grant"),
    path(
        "access/<str:urn>/<int:grant_id>/revoke",
        access_views.access_revoke,
        name="access_revoke",
    ),
    path("severe-absence", access_views.severe_absence, name="severe_absence"),
]
