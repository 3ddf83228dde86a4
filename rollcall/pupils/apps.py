from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "rollcall.pupils"
    label = "pupils"
