from django.urls import path

from rollcall.casework import case_views as views
from rollcall.casework import family_views

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
    path("<int:case_id>/home-visit", views.home_visit, name="home_visit"),
    path("<int:case_id>/checklist", views.checklist, name="checklist"),
    path("<int:case_id>/referral", views.referral, name="referral"),
    path("<int:case_id>/condition", views.condition, name="condition"),
    path(
        "<int:case_id>/referrals/<int:referral_id>/answer",
        views.referral_response,
        name="referral_response",
    ),
]

# The family on a case (rollcall.casework.family_views).
urlpatterns += [
    path("<int:case_id>/consent", family_views.consent, name="consent"),
    path(
        "<int:case_id>/home-local-authority",
        family_views.home_local_authority,
        name="home_local_authority",
    ),
]
