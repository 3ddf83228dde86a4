from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "rollcall.casework"
    label = "casework"
