"""Permission predicates (django-rules), checked in views and the API."""

from __future__ import annotations

import rules

from rollcall.accounts.selectors import schools_visible_to
from rollcall.organisations.models import School


@rules.predicate
def can_see_school(user, school: School) -> bool:
    return schools_visible_to(user=user).filter(pk=school.pk).exists()


rules.add_perm("organisations.view_school", can_see_school)
