from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "rollcall.transfers"
    label = "transfers"
