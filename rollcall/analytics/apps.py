from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "rollcall.analytics"
    label = "analytics"
