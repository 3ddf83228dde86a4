import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rollcall.accounts.services import user_create
from rollcall.api.models import ApiToken
from rollcall.api.services import api_token_issue, api_token_revoke
from rollcall.core.models import AuditEvent
from tests.api.conftest import ApiClient
from tests.conftest import set_clock


def test_only_a_digest_of_the_token_is_stored(officer):
    issued = api_token_issue(actor=None, user=officer, name="Reports")
    stored = ApiToken.objects.get()
    assert issued.secret.startswith("rc_") and len(issued.secret) > 40
    assert stored.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in {stored.name, stored.prefix, stored.digest}
    assert issued.secret.startswith(stored.prefix)


def test_issuing_and_revoking_are_audited(officer):
    issued = api_token_issue(actor=officer, user=officer, name="Reports")
    api_token_revoke(actor=officer, token=issued.token)
    events = AuditEvent.objects.filter(object_type="api.apitoken")
    assert [e.verb for e in events] == ["api_token.issue", "api_token.revoke"]
    assert all(e.actor == officer for e in events)
    assert issued.secret not in str([e.payload for e in events] + [e.summary for e in events])


def test_revoking_twice_is_refused(officer):
    issued = api_token_issue(actor=None, user=officer, name="Reports")
    api_token_revoke(actor=None, token=issued.token)
    with pytest.raises(ValidationError, match="already revoked"):
        api_token_revoke(actor=None, token=issued.token)


def test_a_token_for_someone_without_a_membership_is_refused(db):
    loner = user_create(actor=None, username="loner", password="a-long-test-password")
    with pytest.raises(ValidationError, match="no membership"):
        api_token_issue(actor=None, user=loner, name="Nothing to see")
    assert not ApiToken.objects.exists()


def test_an_expiry_in_the_past_is_refused(officer):
    with pytest.raises(ValidationError, match="already passed"):
        api_token_issue(
            actor=None,
            user=officer,
            name="Too late",
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_working_token_once(officer, pupil):
    out = io.StringIO()
    call_command("api_token", "issue", "--user", "officer", "--name", "Reports", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    assert ApiClient(secret).get(f"/api/pupils/{pupil.upn}").status_code == 200
    listing = io.StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "Reports" in listing.getvalue() and secret not in listing.getvalue()


def test_the_command_makes_an_integration_that_can_push_and_then_revokes_it(
    school, pupil, time_machine
):
    set_clock(time_machine, dt.date(2025, 1, 13))
    out = io.StringIO()
    call_command(
        "api_token",
        "integration",
        "--school",
        school.urn,
        "--name",
        "SIMS register push",
        "--expires",
        "2099-07-31",
        stdout=out,
    )
    secret = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.kind == ApiToken.Kind.INTEGRATION
    assert token.user.username == f"mis-{school.urn}-sims-register-push"
    membership = token.user.memberships.get()
    assert (membership.school, membership.role) == (school, "mis_integration")
    assert timezone.localtime(token.expires_at).date() == dt.date(2099, 8, 1)
    mark = {"upn": pupil.upn, "date": "2025-01-13", "session": "AM", "code": "/"}
    response = ApiClient(secret).post(f"/api/schools/{school.urn}/marks", {"marks": [mark]})
    assert response.status_code == 200, response.json()
    call_command("api_token", "revoke", token.prefix, stdout=io.StringIO())
    assert ApiClient(secret).get(f"/api/pupils/{pupil.upn}").status_code == 401


def test_the_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        call_command("api_token", "issue", "--user", "nobody", "--name", "x")


def test_the_command_refuses_a_malformed_expiry(officer):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "api_token", "issue", "--user", "officer", "--name", "x", "--expires", "31/07/2027"
        )
    assert not ApiToken.objects.exists()
