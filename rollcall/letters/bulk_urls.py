from django.urls import path

from rollcall.letters import bulk_views

app_name = "letters_bulk"

urlpatterns = [
    path("", bulk_views.index, name="index"),
    path("<str:urn>/", bulk_views.start, name="start"),
    path("<str:urn>/<str:reference>", bulk_views.batch, name="batch"),
    path("<str:urn>/<str:reference>/run", bulk_views.rerun, name="rerun"),
    path("<str:urn>/<str:reference>/posted", bulk_views.posted, name="posted"),
    path("<str:urn>/<str:reference>/print.pdf", bulk_views.print_file, name="print"),
]
