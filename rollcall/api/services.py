"""Writes for API tokens: issue, revoke, and note when a token was last used."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rollcall.accounts.models import Role
from rollcall.accounts.selectors import memberships_of
from rollcall.accounts.services import membership_add, user_create
from rollcall.api.models import ApiToken, token_digest
from rollcall.core import clock
from rollcall.core.audit import Verb, audit_record
from rollcall.core.types import Actor
from rollcall.organisations.models import School

TOKEN_START = "rc_"  # noqa: S105 (a label, not a secret)
PREFIX_LENGTH = len(TOKEN_START) + 8
# A token's last use is noted at most this often, so a busy integration does not write a row
# on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)

NAME_REQUIRED = "Give the token a name that says what it is for"
NAME_TOO_LONG = "The token name must be at most 100 characters"
EXPIRY_IN_PAST = "The expiry {expires:%-d %B %Y %H:%M} has already passed"
NO_MEMBERSHIP = (
    "{username} has no membership at a school, trust or local authority, so a token would see "
    "nothing; add a membership first"
)
INACTIVE_USER = "{username} is deactivated and cannot be given a token"
ALREADY_REVOKED = "The token {name} was already revoked"


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to whoever asked for it; never stored


def _check_expiry(expires_at: dt.datetime | None, now: dt.datetime) -> None:
    if expires_at is not None and expires_at <= now:
        expires = timezone.localtime(expires_at)
        raise ValidationError({"expires_at": EXPIRY_IN_PAST.format(expires=expires)})


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": NAME_REQUIRED})
    if len(name) > 100:
        raise ValidationError({"name": NAME_TOO_LONG})
    return name


@transaction.atomic
def api_token_issue(
    *,
    actor: Actor,
    user: User,
    name: str,
    kind: str = ApiToken.Kind.PERSONAL,
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    """Issue a token that acts as `user`, seeing only what that user may see."""
    name = _check_name(name)
    now = clock.now()
    _check_expiry(expires_at, now)
    if not user.is_active:
        raise ValidationError({"user": INACTIVE_USER.format(username=user.username)})
    if not memberships_of(user=user).exists():
        raise ValidationError({"user": NO_MEMBERSHIP.format(username=user.username)})
    if kind not in ApiToken.Kind.values:
        raise ValidationError({"kind": f"{kind!r} is not a kind of token"})
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        kind=kind,
        user=user,
        prefix=secret[:PREFIX_LENGTH],
        digest=token_digest(secret),
        created_at=now,
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        verb=Verb.API_TOKEN_ISSUE,
        target=token,
        summary=f"Issued API token {name} ({token.prefix}…) for {user.username}",
        payload={
            "user": user.username,
            "kind": kind,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return IssuedToken(token=token, secret=secret)


def _service_username(school: School, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "mis"
    base = f"mis-{school.urn}-{slug}"
    username, number = base, 1
    while User.objects.filter(username=username).exists():
        number += 1
        username = f"{base}-{number}"
    return username


@transaction.atomic
def api_integration_create(
    *, actor: Actor, school: School, name: str, expires_at: dt.datetime | None = None
) -> IssuedToken:
    """An MIS integration: a service account that is a member of one school, and its token.

    The account takes the MIS integration role: it writes the school's registers while they are
    open, never once they lock (rollcall.registers.services.lock). Nobody is told its password,
    so it can only act through the API.
    """
    name = _check_name(name)
    _check_expiry(expires_at, clock.now())
    user = user_create(
        actor=actor,
        username=_service_username(school, name),
        password=secrets.token_urlsafe(32),
        first_name=name[:150],
    )
    membership_add(actor=actor, user=user, role=Role.MIS_INTEGRATION, school=school)
    return api_token_issue(
        actor=actor, user=user, name=name, kind=ApiToken.Kind.INTEGRATION, expires_at=expires_at
    )


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Stop a token working at once. The row stays, so the audit trail can still name it."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError({"token": ALREADY_REVOKED.format(name=token.name)})
    token.revoked_at = clock.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        verb=Verb.API_TOKEN_REVOKE,
        target=token,
        summary=f"Revoked API token {token.name} ({token.prefix}…) of {token.user.username}",
        payload={"user": token.user.username},
    )
    return token


def api_token_mark_used(*, token: ApiToken, now: dt.datetime) -> None:
    """Note when a token was last used, for people reviewing their tokens.

    Bookkeeping, not a change to any record, so it writes no audit event: every request the
    token makes is already attributed to its user wherever that request changes something.
    """
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
