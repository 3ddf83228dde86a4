from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rollcall.accounts"
    label = "accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from rollcall.accounts.sign_in import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="rollcall.sign_in.record_lockout")
