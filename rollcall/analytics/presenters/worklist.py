"""The worklist: triggers the nightly sweep found, oldest first, until someone deals with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from rollcall.accounts.selectors import User
from rollcall.analytics.models import WorklistItem, kind_label
from rollcall.analytics.presenters.common import count, link, query_string, short_date
from rollcall.analytics.selectors import Scope, may_complete, worklist_items, worklist_kinds

PER_PAGE = 50


@dataclass(frozen=True)
class WorklistPage:
    status: str
    heading: str
    tabs: list[dict[str, object]]
    school_options: list[dict[str, object]]
    kind_options: list[dict[str, object]]
    school: str
    head: list[dict[str, str]]
    rows: list[list[dict[str, str]]]
    total: int
    pagination: dict[str, object]


def worklist_page(*, user: User, scope: Scope, query: Mapping[str, str]) -> WorklistPage:
    status = query.get("status", WorklistItem.Status.OPEN)
    status = status if status in WorklistItem.Status.values else WorklistItem.Status.OPEN
    urns = {school.urn: school.name for school in scope.schools}
    school = query.get("school", "")
    school = school if school in urns else ""
    kinds = worklist_kinds(user=user, status=status, urn=school or None)
    kind = query.get("kind", "")
    kind = kind if kind in kinds else ""
    items = worklist_items(user=user, status=status, urn=school or None, kind=kind or None)
    paginator = Paginator(items, PER_PAGE)
    page = paginator.get_page(query.get("page"))
    base = {"status": status, "school": school, "kind": kind}
    done = status == WorklistItem.Status.DONE
    head = [
        {"text": "Trigger met"},
        {"text": "Pupil"},
        {"text": "School"} if len(urns) > 1 else None,
        {"text": "What"},
        {"text": "Done" if done else "Found by the sweep"},
        {"text": "Action"},
    ]
    rows = [_row(item, len(urns) > 1, done) for item in page.object_list]
    return WorklistPage(
        status=status,
        heading="Done" if done else "Open",
        tabs=[
            {
                "text": words,
                "href": query_string({"school": school, "kind": kind}, status=value),
                "current": value == status,
            }
            for value, words in (("open", "Open"), ("done", "Done"))
        ],
        school_options=[{"value": "", "text": "All schools", "selected": not school}]
        + [
            {"value": urn, "text": name, "selected": urn == school}
            for urn, name in sorted(urns.items(), key=lambda pair: pair[1])
        ],
        kind_options=[{"value": "", "text": "Every kind", "selected": not kind}]
        + [
            {
                "value": value,
                "text": f"{kind_label(value)} ({count(number)})",
                "selected": value == kind,
            }
            for value, number in kinds.items()
        ],
        school=school,
        head=[cell for cell in head if cell],
        rows=rows,
        total=paginator.count,
        pagination=_pagination(page, base),
    )


def _row(item: WorklistItem, show_school: bool, done: bool) -> list[dict[str, str]]:
    pupil = item.pupil
    when = (
        short_date(timezone.localtime(item.done_at).date())
        if done and item.done_at
        else short_date(item.found_on)
    )
    cells = [
        {"text": short_date(item.met_on)},
        {
            "text": pupil.display_name,
            "html": link(reverse("analytics:pupil", args=[pupil.upn]), pupil.display_name),
        },
        {"text": item.school.name} if show_school else None,
        {
            "text": f"{item.label}: {item.detail}",
            "html": Markup("<strong>{}</strong><br>{}").format(item.label, item.detail),
        },
        {"text": when},
        {
            "text": "View" if done else "Record what was done",
            "html": link(
                reverse("analytics:worklist_item", args=[item.pk]),
                "View" if done else "Record what was done",
            ),
        },
    ]
    return [cell for cell in cells if cell]


def _pagination(page: Page[WorklistItem], base: Mapping[str, str]) -> dict[str, object]:
    result: dict[str, object] = {}
    if page.has_previous():
        result["previous"] = {"href": query_string(base, page=str(page.previous_page_number()))}
    if page.has_next():
        result["next"] = {"href": query_string(base, page=str(page.next_page_number()))}
    if page.paginator.num_pages > 1:
        result["items"] = [
            {
                "number": number,
                "href": query_string(base, page=str(number)),
                "current": number == page.number,
            }
            for number in page.paginator.page_range
        ]
    return result


@dataclass(frozen=True)
class ItemPage:
    item: WorklistItem
    summary: list[dict[str, dict[str, str]]]
    may_complete: bool
    pupil_href: str
    back_href: str


def item_page(*, user: User, item: WorklistItem) -> ItemPage:
    pupil = item.pupil
    summary = [
        _pair("Pupil", f"{pupil.display_name} ({pupil.upn})"),
        _pair("School", item.school.name),
        _pair("Trigger", item.label),
        _pair("Met on", f"{item.met_on:%A %-d %B %Y}"),
        _pair("Detail", item.detail),
        _pair("Found by the sweep for", f"{item.found_on:%-d %B %Y}"),
    ]
    if item.status == WorklistItem.Status.DONE and item.done_at:
        done_at = timezone.localtime(item.done_at)
        summary.append(_pair("Done", f"{done_at:%-d %B %Y at %H:%M} by {item.done_by_label}"))
        summary.append(_pair("What was done", item.note))
    if item.provisional and item.status == WorklistItem.Status.OPEN:
        summary.append(
            _pair(
                "Provisional",
                "Met only through N marks: it stands only if they are replaced "
                "by codes that count (within 5 school days)",
            )
        )
    if item.status == WorklistItem.Status.WITHDRAWN and item.withdrawn_on:
        summary.append(
            _pair("Withdrawn", f"{item.withdrawn_on:%-d %B %Y}: {item.withdrawn_reason}")
        )
    return ItemPage(
        item=item,
        summary=summary,
        may_complete=item.status == WorklistItem.Status.OPEN and may_complete(user=user, item=item),
        pupil_href=reverse("analytics:pupil", args=[pupil.upn]),
        back_href=reverse("analytics:worklist") + query_string({"school": item.school.urn}),
    )


def _pair(key: str, value: str) -> dict[str, dict[str, str]]:
    return {"key": {"text": key}, "value": {"text": value}}
