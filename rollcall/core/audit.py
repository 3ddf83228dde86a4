"""Writing audit events from services."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from rollcall.core import clock
from rollcall.core.models import AuditEvent
from rollcall.core.types import Actor

SYSTEM_ACTOR = "rollcall (system)"


def actor_label(actor: Actor) -> str:
    if actor is None:
        return SYSTEM_ACTOR
    full_name = actor.get_full_name()
    username = actor.get_username()
    return f"{full_name} ({username})" if full_name else username


def audit_record(
    *,
    actor: Actor,
    verb: str,
    target: models.Model,
    summary: str,
    school_urn: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Must be called inside the writing service's transaction."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    return AuditEvent.objects.create(
        occurred_at=clock.now(),
        actor=actor,
        actor_label=actor_label(actor),
        verb=verb,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        school_urn=school_urn,
        summary=summary[:500],
        payload=payload or {},
    )
