from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rollcall.accounts"
    label = "accounts"
