from django.urls import path

from rollcall.casework import access_views, family_views, meeting_views
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

# Meetings, support plans and attendance contracts (rollcall.casework.meeting_views).
urlpatterns += [
    path("<int:case_id>/meetings/new", meeting_views.meeting_new, name="meeting_new"),
    path(
        "<int:case_id>/meetings/<int:meeting_id>",
        meeting_views.meeting_held,
        name="meeting_record",
    ),
    path("<int:case_id>/plans/new", meeting_views.plan_new, name="plan_new"),
    path(
        "<int:case_id>/plans/<int:plan_id>/review",
        meeting_views.plan_review,
        name="plan_review",
    ),
    path("<int:case_id>/contracts/new", meeting_views.contract_new, name="contract_new"),
    path(
        "<int:case_id>/contracts/<int:contract_id>/sign",
        meeting_views.contract_signed,
        name="contract_sign",
    ),
    path(
        "<int:case_id>/contracts/<int:contract_id>/review",
        meeting_views.contract_review,
        name="contract_review",
    ),
    path("<int:case_id>/panels/new", meeting_views.panel_referral_new, name="panel_referral"),
    path(
        "<int:case_id>/conversations/new",
        meeting_views.return_conversation_new,
        name="return_conversation",
    ),
]
