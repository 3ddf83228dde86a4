from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "rollcall.registers"
    label = "registers"
