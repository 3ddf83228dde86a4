from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo local authority: no models, only the `rollcall demo` command."""

    name = "rollcall.demo"
    label = "demo"
