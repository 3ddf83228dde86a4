from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rollcall.core"
    label = "core"
