from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "rollcall.organisations"
    label = "organisations"
