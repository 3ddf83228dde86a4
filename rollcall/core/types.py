"""Types shared by services."""

from __future__ import annotations

from django.contrib.auth.models import User

# Who is making a change: a signed-in user, or None for rollcall itself (imports, cron jobs).
Actor = User | None
