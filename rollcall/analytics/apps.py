from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "rollcall.analytics"
    label = "analytics"

    def ready(self) -> None:
        # A register save or an import queues the store's refresh (analytics.tasks).
        from rollcall.analytics.tasks import store_refresh_request
        from rollcall.registers.changes import on_marks_changed

        on_marks_changed("analysis store", store_refresh_request)
