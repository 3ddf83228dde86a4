from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "rollcall.core"
    label = "core"

    def ready(self) -> None:
        from rollcall.core.evidence import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="rollcall-evidence")
