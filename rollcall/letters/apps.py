from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "rollcall.letters"
    label = "letters"
    verbose_name = "Letters"
