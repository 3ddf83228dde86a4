from django.urls import path

from rollcall.transfers import views

app_name = "transfers"

urlpatterns = [
    path("", views.index, name="index"),
    path("marks/import", views.marks_import, name="marks_import"),
    path("ctf/import", views.ctf_import_page, name="ctf_import"),
    path("imports/<int:batch_id>", views.import_detail, name="import_detail"),
    path("schools/<str:urn>/marks-export", views.marks_export_page, name="marks_export"),
    path("schools/<str:urn>/ctf-export", views.ctf_export_page, name="ctf_export"),
    path("schools/<str:urn>/certificate", views.certificate_page, name="certificate"),
]
