from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "rollcall.letters"
    label = "letters"
    verbose_name = "Letters"

    def ready(self) -> None:
        # The referral checklist reads letters sent from the record (rollcall.letters.checklist).
        from rollcall.letters.checklist import register

        register()
