from django.urls import path

from rollcall.letters import views

app_name = "letters"

urlpatterns = [
    path("new", views.prepare, name="prepare"),
    path("drafts/<int:draft_id>", views.draft, name="draft"),
    path(
        "drafts/<int:draft_id>/preview/<int:link_id>",
        views.preview,
        name="preview",
    ),
    path(
        "drafts/<int:draft_id>/preview/school",
        views.preview_school,
        name="preview_school",
    ),
    path("<int:letter_id>.pdf", views.pdf, name="pdf"),
    path("<int:letter_id>.docx", views.word_copy, name="word"),
    path("<int:letter_id>/post", views.post, name="post"),
    path("<int:letter_id>/hand", views.hand, name="hand"),
    path("<int:letter_id>/email", views.email, name="email"),
    path("<int:letter_id>/sendings/<int:sending_id>/bounce", views.bounce, name="bounce"),
]
