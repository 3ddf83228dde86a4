"""The service navigation: each area appears once its pages exist and the user may use them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from rollcall.accounts.models import LA_ROLES, SCHOOL_ROLES, TRUST_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    text: str
    url_name: str
    roles: frozenset[str]
    # An administrator with no role of their own sees the area too (the pages let them in).
    administrators: bool = True


ALL_ROLES = frozenset(SCHOOL_ROLES | TRUST_ROLES | LA_ROLES)
OFFICE = frozenset({Role.ATTENDANCE_OFFICER, Role.HEADTEACHER})

ITEMS = (
    NavItem("Home", "home", ALL_ROLES),
    # Registers are kept by a school's own staff: an administrator is not one of them.
    NavItem("Registers", "registers:index", frozenset(SCHOOL_ROLES), administrators=False),
    NavItem("First-day follow-up", "casework:follow_up", OFFICE, administrators=False),
    NavItem("Attendance", "analytics:index", ALL_ROLES),
    NavItem(
        "Cases",
        "cases:index",
        OFFICE | frozenset({Role.TRUST_LEAD, Role.LA_OFFICER, Role.LA_BUSINESS_SUPPORT}),
    ),
    NavItem("Letters in bulk", "letters_bulk:index", OFFICE, administrators=False),
    NavItem("Imports and exports", "transfers:index", OFFICE | frozenset(LA_ROLES)),
)


def navigation(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    roles = set(user.memberships.values_list("role", flat=True))
    items: list[dict[str, object]] = []
    for item in ITEMS:
        if not (roles & item.roles) and not (user.is_superuser and item.administrators):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"href": href, "text": item.text, "active": False})
    # The item whose address is the longest prefix of this page is the one we are in.
    matches = [
        item
        for item in items
        if request.path == item["href"]
        or (item["href"] != "/" and request.path.startswith(str(item["href"])))
    ]
    if matches:
        max(matches, key=lambda item: len(str(item["href"])))["active"] = True
    if user.is_superuser:
        items.append({"href": "/admin/", "text": "Administration", "active": False})
    return items
