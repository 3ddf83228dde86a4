"""A child's case walked in a real browser under each of the six policy profiles: from the
worklist item the nightly sweep made, through the profile's stages in its order, each move
with its reason. The pathway shows each stage as current in turn; the tasks each stage
expects carry due dates counted on the school's own calendar, with the unit the profile
wrote; the chronology holds every step with who took it and when.

The school year is 2024-25 with the autumn half term from 28 October to 1 November 2024. The
child is absent 4 sessions in 10 from 2 September; the sweep runs on Wednesday 9 October and
the walk moves the clock on a week or so between steps. Before a referral to the LA the
referral checklist must be complete: the evidence the school gathered over the weeks is marked
held through the service, and the browser marks the last item (the Notice to Improve, or why
none) and confirms the stage's own items on the move. Screenshots go to var/screenshots.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from rollcall.casework.checklist import NOTICE_TO_IMPROVE, checklist_items
from rollcall.casework.models import Case
from rollcall.casework.services.cases import checklist_mark
from rollcall.core import clock
from rollcall.organisations.models import School
from rollcall.policies import load_profile
from tests.analytics.conftest import PASSWORD, person, record
from tests.browser.conftest import SCREENSHOTS
from tests.factories import enrol, make_pupil, make_school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date
SWEPT = D(2024, 10, 9)  # a Wednesday, three weeks before the autumn half term
RATIONALE_NEEDED = "Say why: the reason is part of the record a court may read"
UNDATED = "The profile sets no date for this"
OFFICER = "Test officer (officer), Riverside Primary School"
LA_OFFICER = "Test laofficer (laofficer), Testshire County Council"
SYSTEM = "rollcall (system), Riverside Primary School"
NTI_ITEM = "A Notice to Improve was issued, or the reason for not using one is recorded"
NOT_REFERRED = (
    "The case cannot be referred to the local authority until the referral checklist is "
    "complete. Missing: "
)
CHECKLIST_ENTRY = "Referral checklist item marked"

NATIONAL_STAGES = (
    "Expect",
    "Monitor",
    "Listen and understand",
    "Facilitate support",
    "Formalise support",
    "Enforce",
)


@pytest.fixture(autouse=True)
def _own_store(settings, tmp_path):
    settings.ROLLCALL_STORE_DIR = tmp_path / "store"


@dataclass
class World:
    school: School
    officer: User
    la_officer: User


@pytest.fixture
def world(clock_in_the_past, settings):
    """A school under the test's profile, a child with six weeks of poor attendance and the
    nightly sweep's worklist on 9 October 2024."""

    # The walk spans months in minutes: one sign-in lasts it (rollcall's own lasts 8 hours).
    settings.SESSION_COOKIE_AGE = 365 * 24 * 60 * 60

    def make(profile: str) -> World:
        clock_in_the_past(SWEPT, hour=7)
        school = make_school(name="Riverside Primary School")
        School.objects.filter(pk=school.pk).update(policy_profile=profile)
        school.refresh_from_db()
        pupil = make_pupil(forename="Ada", surname="Stone", date_of_birth=D(2015, 1, 10))
        enrol(pupil, school, admitted_on=D(2024, 9, 2))
        weeks = ["O O / / O O / / / /"] * 5 + ["O O / / O O"]  # to Wednesday 9 October
        record(school, pupil.upn, D(2024, 9, 2), " ".join(weeks))
        call_command("sweep", "--on", SWEPT.isoformat(), stdout=StringIO())
        officer = person("officer", "attendance_officer", school=school)
        la_officer = person("laofficer", "la_officer", local_authority=school.local_authority)
        clock_in_the_past(SWEPT, hour=9)
        return World(school, officer, la_officer)

    return make


def _evidence_on_file(officer: User, school: School, *, leave: Sequence[str]) -> None:
    """The referral checklist's items marked held, as the school gathered the evidence over
    the weeks before (the browser marks the ones in `leave`)."""
    case = Case.objects.get(school=school)
    for key, _label, _source in checklist_items(load_profile(case.profile_key)):
        if key not in leave:
            checklist_mark(
                actor=officer,
                case=case,
                item=key,
                note="On the case file",
                on=clock.today(),
                acting_for=school,
            )


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Officer:
    """One person at the browser, working the case page by page."""

    def __init__(self, page, live_server, user: User, *, to: str = "/analytics/worklist"):
        """Signed in and on the page `to` (the worklist unless told)."""
        self.page = page
        self.url = live_server.url
        self.case_url = ""
        page.set_default_timeout(10_000)
        page.goto(f"{self.url}/sign-in?next={to}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.url + to)
        if to.startswith("/cases/") and to != "/cases/":
            self.case_url = self.url + to

    @property
    def case_path(self) -> str:
        return self.case_url.removeprefix(self.url)

    def next_day(self, clock_in_the_past, day: dt.date, hour: int, *, look: bool = False) -> None:
        """A later day: the officer takes the next step from the case page already open (the
        step's form is that day's), or looks at the case afresh."""
        clock_in_the_past(day, hour=hour)
        assert self.page.url == self.case_url
        if look:
            self.page.reload()

    # Getting to the case.

    def worklist_line(self) -> str:
        """Ada's line on the worklist: her triggers, her case and its next task."""
        if not self.page.url.endswith("/analytics/worklist"):
            self.page.goto(self.url + "/analytics/worklist")
        line = self.page.locator("tbody tr", has_text="Ada Stone")
        assert line.count() == 1, "the worklist shows each child once"
        return _words(line.inner_text())

    def worklist_item(self, trigger: str) -> str:
        """From the worklist, Ada's trigger's own page; her line as it was."""
        page = self.page
        text = self.worklist_line()
        page.locator("tbody tr", has_text="Ada Stone").get_by_role(
            "link", name=trigger, exact=True
        ).click()
        page.wait_for_url(re.compile(r".*/analytics/worklist/\d+$"))
        assert page.get_by_role("heading", level=1).inner_text() == trigger
        return text

    def open_case(self, *, stage: str, rationale: str) -> None:
        page = self.page
        page.get_by_role("link", name="Open a case").click()
        page.wait_for_url(re.compile(r".*/cases/new\?.*item=\d+"))
        assert page.get_by_role("heading", level=1).inner_text() == "Open a case for Ada Stone"
        # The stage the profile opens cases at is chosen already; the item gives the reason.
        assert page.get_by_label(stage, exact=True).is_checked()
        assert page.get_by_label("Why open a case?").input_value() != ""
        page.get_by_label("Why open a case?").fill(rationale)
        page.get_by_label("I am the lead practitioner for this case").check()
        page.get_by_role("button", name="Open the case").click()
        page.wait_for_url(re.compile(r".*/cases/\d+$"))
        self.case_url = page.url
        assert (
            "Case opened for Ada Stone" in page.locator(".govuk-notification-banner").inner_text()
        )

    def see_case(self, stage: str) -> None:
        """The sweep opened the case: the item links to it and offers no second one."""
        page = self.page
        assert page.get_by_role("link", name="Open a case").count() == 0
        page.get_by_role(
            "link", name=f"See the case run by Riverside Primary School ({stage})"
        ).click()
        page.wait_for_url(re.compile(r".*/cases/\d+$"))
        self.case_url = page.url

    # Steps.

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def move(
        self,
        stage: str,
        rationale: str,
        *,
        without_reason_first: bool = False,
        shot: str = "",
        held: Sequence[str] = (),
    ) -> str:
        page = self.page
        page.get_by_role("button", name="Move to another stage").click()
        page.wait_for_url(self.case_url + "/move")
        page.get_by_label(stage, exact=True).check()
        if without_reason_first:
            page.get_by_role("button", name="Move the case").click()
            summary = page.locator(".govuk-error-summary")
            assert "There is a problem" in summary.inner_text()
            assert RATIONALE_NEEDED in summary.inner_text()
            assert page.title().startswith("Error: ")
            assert page.url == self.case_url + "/move"  # refused: nothing moved
            if shot:
                self.shot(shot)
            page.get_by_label(stage, exact=True).check()
        for item in held:
            page.get_by_label(item, exact=True).check()
        page.get_by_label("Why move it?").fill(rationale)
        page.get_by_role("button", name="Move the case").click()
        page.wait_for_url(self.case_url)
        return page.locator(".govuk-notification-banner").inner_text()

    def move_refused(self, stage: str, rationale: str) -> str:
        """A move the case may not make yet: the form comes back saying why."""
        page = self.page
        page.get_by_role("button", name="Move to another stage").click()
        page.wait_for_url(self.case_url + "/move")
        page.get_by_label(stage, exact=True).check()
        page.get_by_label("Why move it?").fill(rationale)
        page.get_by_role("button", name="Move the case").click()
        summary = _words(page.locator(".govuk-error-summary").inner_text())
        assert page.url == self.case_url + "/move"
        page.get_by_role("link", name="Back").click()
        page.wait_for_url(self.case_url)
        return summary

    def hold(self, item: str, where: str) -> None:
        """Mark an item of the referral checklist held, saying where the evidence is."""
        page = self.page
        page.get_by_role("button", name="Referral checklist").click()
        page.wait_for_url(self.case_url + "/checklist")
        page.get_by_label(item, exact=True).check()
        page.get_by_label("Where is the evidence?").fill(where)
        page.get_by_role("button", name="Mark as held").click()
        page.wait_for_url(self.case_url + "/checklist")
        assert (
            "Checklist item marked held" in page.locator(".govuk-notification-banner").inner_text()
        )
        row = page.locator("tbody tr", has_text=item)
        assert "Held" in row.inner_text() and where in row.inner_text()
        page.get_by_role("link", name="Back to the case").click()
        page.wait_for_url(self.case_url)

    def fast_track(self, rationale: str) -> str:
        page = self.page
        page.get_by_role("button", name="Start Fast Track").click()
        page.wait_for_url(self.case_url + "/fast-track")
        page.get_by_role("button", name="Start Fast Track").click()
        assert RATIONALE_NEEDED in page.locator(".govuk-error-summary").inner_text()
        page.get_by_label("Why put the family on the Fast Track?").fill(rationale)
        page.get_by_role("button", name="Start Fast Track").click()
        page.wait_for_url(self.case_url)
        return page.locator(".govuk-notification-banner").inner_text()

    def task_done(self, label: str, note: str) -> None:
        page = self.page
        row = page.locator("#tasks + table tbody tr", has_text=label)
        row.get_by_role("link", name=re.compile(r"^Mark as done")).click()
        page.wait_for_url(re.compile(re.escape(self.case_url) + r"/tasks/\d+$"))
        page.get_by_label("What was done?").fill(note)
        page.get_by_role("button", name="Mark as done").click()
        page.wait_for_url(self.case_url)

    # What the case page shows.

    def title(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()

    def pathway(self) -> list[tuple[str, str]]:
        steps = self.page.locator(".rollcall-pathway__step")
        found = []
        for index in range(steps.count()):
            step = steps.nth(index)
            state = re.search(r"rollcall-pathway__step--(\w+)", step.get_attribute("class"))
            found.append((step.inner_text().split("\n")[0].removesuffix(" Now").strip(), state[1]))
        return found

    def assert_current(self, stages: tuple[str, ...], current: str) -> None:
        at = stages.index(current)
        assert self.title() == f"Ada Stone: {current}"
        shown = self.pathway()
        assert [name for name, _ in shown] == list(stages)
        assert [state for _, state in shown[at:]] == ["current"] + ["ahead"] * (
            len(stages) - at - 1
        )
        # Earlier stages are done where the case went through them, and passed over where
        # it started later or stepped past them.
        assert all(state in ("done", "passed_over") for _, state in shown[:at])
        now = self.page.locator(".rollcall-pathway__step--current")
        assert now.locator(".govuk-tag").inner_text().strip().lower() == "now"

    def tasks(self) -> dict[str, tuple[str, str]]:
        """Each open task: its due date (or why it has none) and the period it counts."""
        rows = self.page.locator("#tasks + table tbody tr")
        found = {}
        for index in range(rows.count()):
            cells = rows.nth(index).locator("td")
            label = cells.nth(0).inner_text().split("\n")[0].strip()
            lines = [_words(line) for line in cells.nth(1).inner_text().split("\n") if line]
            found[label] = (lines[-2], lines[-1])  # after any "Overdue" or "Due today" tag
        return found

    def chronology(self, *, checklist: bool = False) -> list[tuple[str, str, str]]:
        """Oldest first: (day · title, summary, who); the checklist's marks only if asked."""
        entries = self.page.locator(".rollcall-timeline__entry")
        found = []
        for index in range(entries.count()):
            entry = entries.nth(index)
            found.append(
                (
                    _words(entry.locator("h3").inner_text()),
                    _words(entry.locator("p").first.inner_text()),
                    _words(entry.locator(".rollcall-note").inner_text()),
                )
            )
        return [entry for entry in found[::-1] if checklist or CHECKLIST_ENTRY not in entry[0]]

    def summary(self, key: str) -> str:
        row = self.page.locator(".govuk-summary-list__row", has_text=key)
        return _words(row.locator(".govuk-summary-list__value").inner_text())


def test_national_case_walked_from_a_proposed_case_to_enforce(
    live_server, page, browser, world, clock_in_the_past
):
    _walk_support_first(
        live_server,
        page,
        browser,
        world("national"),
        clock_in_the_past,
        "National default (Working together to improve school attendance, August 2024)",
    )


def test_essex_case_walked_through_the_national_stages(
    live_server, page, browser, world, clock_in_the_past
):
    _walk_support_first(
        live_server, page, browser, world("essex"), clock_in_the_past, "Essex County Council"
    )


def _walk_support_first(live_server, page, browser, world, clock_in_the_past, policy) -> None:
    """National and Essex: the sweep only proposes a case; the school opens it and walks it
    to Enforce, where the LA takes it over and the school keeps working. Neither profile
    dates any of its stages' actions."""
    officer = Officer(page, live_server, world.officer)
    line = officer.worklist_item("Persistent absence")
    assert "No case · Open a case" in line
    officer.open_case(stage="Listen and understand", rationale="Persistent absence since September")
    officer.assert_current(NATIONAL_STAGES, "Listen and understand")
    assert officer.tasks() == {
        "Talk with the pupil and parents to understand the barriers to attendance": (
            UNDATED,
            "Set 9 October 2024",
        )
    }
    assert officer.summary("Lead practitioner") == "Test officer (officer)"
    assert officer.summary("Policy") == policy

    officer.next_day(clock_in_the_past, D(2024, 10, 16), 10)
    message = officer.move(
        "Facilitate support", "Barriers: anxiety about the journey", without_reason_first=True
    )
    assert "Moved to Facilitate support" in message
    officer.assert_current(NATIONAL_STAGES, "Facilitate support")
    assert set(officer.tasks()) == {
        "Agree with the family how the barriers will be removed, and who will do what",
        "Consider an early help or whole family plan",
    }
    assert {due for due, _ in officer.tasks().values()} == {UNDATED}

    officer.next_day(clock_in_the_past, D(2024, 11, 6), 11)
    officer.move("Formalise support", "Support offered but not taken up")
    officer.assert_current(NATIONAL_STAGES, "Formalise support")
    assert officer.tasks()["Offer an attendance contract (agreed with a parent at a meeting)"] == (
        UNDATED,
        "Set 6 November 2024",
    )

    officer.next_day(clock_in_the_past, D(2024, 11, 20), 12)
    _evidence_on_file(world.officer, world.school, leave=[NOTICE_TO_IMPROVE])
    refused = officer.move_refused("Enforce", "Contract refused; threshold met twice")
    assert NOT_REFERRED + NTI_ITEM in refused
    officer.hold(NTI_ITEM, "NTI issued 6 November 2024 (copy on file)")
    message = officer.move("Enforce", "Contract refused; threshold met twice")
    assert "Moved to Enforce: the case is now run by Testshire County Council" in message
    officer.assert_current(NATIONAL_STAGES, "Enforce")
    assert officer.summary("Run by") == "Testshire County Council"
    assert officer.summary("Referred by") == "Riverside Primary School"
    # The school goes on working the case with the LA.
    assert officer.page.get_by_role("button", name="Move to another stage").is_visible()

    assert officer.chronology() == [
        (
            "9 October 2024 · Case opened",
            f"Case opened at the Listen and understand stage ({policy})",
            OFFICER,
        ),
        (
            "16 October 2024 · Stage changed",
            "Moved on from Listen and understand to Facilitate support",
            OFFICER,
        ),
        (
            "6 November 2024 · Stage changed",
            "Moved on from Facilitate support to Formalise support",
            OFFICER,
        ),
        ("20 November 2024 · Stage changed", "Moved on from Formalise support to Enforce", OFFICER),
        (
            "20 November 2024 · Taken over by the local authority",
            "Taken over by Testshire County Council",
            OFFICER,
        ),
    ]
    assert (
        f"20 November 2024 · {CHECKLIST_ENTRY}",
        f"Referral checklist: {NTI_ITEM} — held",
        OFFICER,
    ) in officer.chronology(checklist=True)

    chart = officer.page.locator("figure", has=officer.page.locator("svg#case-attendance"))
    chart.get_by_text("Show the chart's data as a table").click()
    steps = chart.locator("table").inner_text()
    # Every step is marked on the chart's school weeks (the half term is not one of them).
    assert "1. 9 October 2024: Case opened at the Listen and understand stage" in steps
    assert "3. 6 November 2024: Moved on from Facilitate support to Formalise support" in steps
    assert "20 November 2024: Taken over by Testshire County Council" in steps
    assert "28 October 2024" not in steps
    line = officer.worklist_line()
    assert "Enforce (Testshire County Council)" in line
    assert "Consider an Education Supervision Order before any prosecution" in line

    la = Officer(browser.new_page(), live_server, world.la_officer, to="/cases/")
    row = la.page.locator("tbody tr", has_text="Ada Stone")
    assert "Enforce" in row.inner_text() and "Riverside Primary School" in row.inner_text()
    row.get_by_role("link", name="Ada Stone").click()
    la.page.wait_for_url(officer.case_url)
    la.assert_current(NATIONAL_STAGES, "Enforce")
    assert (
        "Contract refused; threshold met twice"
        in la.page.locator("#chronology + p + ol").inner_text()
    )
    la.page.context.close()


HACKNEY_STAGES = ("Prevention", "Early help and support", "Statutory intervention")
REVIEW_MEETING = "Hold the review meeting with the family and professionals"
HACKNEY_REVIEW = "Review the case at the Early help and support stage (every 4 weeks)"


def test_hackney_case_opened_by_the_sweep_stepped_back_and_walked_to_statutory_intervention(
    live_server, page, browser, world, clock_in_the_past, screenshot
):
    """Below 90 % opens a case that night at Early help and support, reviewed every 4 weeks
    (calendar weeks: the half term does not move the review). Attendance picks up, the case
    steps back to Prevention, then walks Hackney's three stages in order."""
    world = world("hackney")
    officer = Officer(page, live_server, world.officer)
    line = officer.worklist_item(
        "Below 90 % (over the last 12 school weeks while fewer than 12 have passed this year)"
    )
    assert "Open a case" not in line
    assert line.endswith(f"Early help and support {REVIEW_MEETING} Due 6 Nov 2024")
    officer.see_case("Early help and support")
    officer.assert_current(HACKNEY_STAGES, "Early help and support")
    tasks = officer.tasks()
    assert tasks[REVIEW_MEETING] == ("6 November 2024", "4 weeks from 9 October 2024")
    assert tasks[HACKNEY_REVIEW] == ("6 November 2024", "4 weeks from 9 October 2024")
    assert tasks["Offer the parents a referral to the MASH Early Help Hub"] == (
        UNDATED,
        "Set 9 October 2024",
    )
    screenshot("case-walk-hackney")

    officer.next_day(clock_in_the_past, D(2024, 10, 16), 10)
    message = officer.move(
        "Prevention",
        "Attendance 100 % for a week after the meeting",
        without_reason_first=True,
        shot="case-walk-move-refused",
    )
    assert "Moved to Prevention" in message
    officer.assert_current(HACKNEY_STAGES, "Prevention")
    assert officer.tasks() == {
        "Send an advisory letter warning the parents of falling attendance": (
            UNDATED,
            "Set 16 October 2024",
        )
    }

    officer.next_day(clock_in_the_past, D(2024, 10, 23), 10)
    officer.move("Early help and support", "Two more Mondays missed")
    officer.assert_current(HACKNEY_STAGES, "Early help and support")
    assert officer.tasks()[REVIEW_MEETING] == ("20 November 2024", "4 weeks from 23 October 2024")

    officer.next_day(clock_in_the_past, D(2024, 11, 20), 10)
    officer.task_done(HACKNEY_REVIEW, "Reviewed with the family and the school nurse")
    # The next review is set four weeks from the one just held.
    assert officer.tasks()[HACKNEY_REVIEW] == ("18 December 2024", "4 weeks from 20 November 2024")

    officer.next_day(clock_in_the_past, D(2024, 11, 27), 10)
    _evidence_on_file(world.officer, world.school, leave=[NOTICE_TO_IMPROVE])
    officer.hold(NTI_ITEM, "No NTI: the family did not engage with support")
    message = officer.move("Statutory intervention", "No improvement after the review")
    assert "the case is now run by Testshire County Council" in message
    officer.assert_current(HACKNEY_STAGES, "Statutory intervention")
    assert officer.summary("Run by") == "Testshire County Council"
    assert officer.page.get_by_role("button", name="Move to another stage").is_visible()

    assert officer.chronology() == [
        (
            "9 October 2024 · Case opened",
            "Case opened at the Early help and support stage "
            "(Hackney Education (London Borough of Hackney))",
            SYSTEM,
        ),
        (
            "16 October 2024 · Stage changed",
            "Moved back from Early help and support to Prevention",
            OFFICER,
        ),
        (
            "23 October 2024 · Stage changed",
            "Moved on from Prevention to Early help and support",
            OFFICER,
        ),
        ("20 November 2024 · Task done", f"Done: {HACKNEY_REVIEW}", OFFICER),
        (
            "27 November 2024 · Stage changed",
            "Moved on from Early help and support to Statutory intervention",
            OFFICER,
        ),
        (
            "27 November 2024 · Taken over by the local authority",
            "Taken over by Testshire County Council",
            OFFICER,
        ),
    ]

    la = Officer(browser.new_page(), live_server, world.la_officer, to=officer.case_path)
    la.assert_current(HACKNEY_STAGES, "Statutory intervention")
    la.page.context.close()


LEEDS_STAGES = (
    "School intervention",
    "Support and guidance request",
    "School attendance panel",
    "Case transfer to the local authority",
    "Legal proceedings",
    "Beyond statutory proceedings",
)
PANEL_CHECKS = {
    "senco_check": "SENCO and SEN services asked about any involvement before the panel",
    "bullying_investigated": (
        "Any alleged bullying formally investigated under the anti-bullying policy"
    ),
    "sen_needs_ruled_out": (
        "Panel satisfied the absence is not due to unmet special educational needs"
    ),
}
FAST_TRACK_MONITORING = (
    "Fast Track: end of the 20 school days of monitoring; send the second letter if there "
    "is no noticeable improvement"
)
FAST_TRACK_FINAL = (
    "Fast Track: end of the final 20 school days; further unauthorised absence leads to a "
    "School Attendance Panel"
)


def test_leeds_case_on_fast_track_then_through_the_six_stages(
    live_server, page, browser, world, clock_in_the_past, screenshot
):
    """Leeds/Bramley: the school opens the case and puts the family on Fast Track: 20 school
    days of monitoring from 9 October end on 13 November, a week later than 20 weekdays would
    (6 November), because the autumn half term falls inside them; the final 20 school days
    end on 11 December. At Case transfer the LA takes the case over and the school stops
    writing it."""
    world = world("leeds-bramley")
    officer = Officer(page, live_server, world.officer)
    officer.worklist_item("Persistent absence")
    officer.open_case(stage="School intervention", rationale="Persistent absence since September")
    officer.assert_current(LEEDS_STAGES, "School intervention")
    assert officer.tasks()["Write to the parents expressing concern and offering a meeting"] == (
        UNDATED,
        "Set 9 October 2024",
    )

    message = officer.fast_track("Parents agreed to Fast Track at the meeting")
    assert "Fast Track started: monitoring ends 13 November 2024" in message
    tasks = officer.tasks()
    assert tasks[FAST_TRACK_MONITORING] == (
        "13 November 2024",
        "20 school days from 9 October 2024",
    )
    assert tasks[FAST_TRACK_FINAL] == ("11 December 2024", "20 school days from 13 November 2024")
    screenshot("case-walk-leeds-fast-track")

    officer.next_day(clock_in_the_past, D(2024, 11, 13), 10)
    officer.task_done(FAST_TRACK_MONITORING, "No noticeable improvement: second letter sent")
    assert FAST_TRACK_MONITORING not in officer.tasks()

    officer.next_day(clock_in_the_past, D(2024, 12, 11), 10)
    officer.move(
        "Support and guidance request",
        "Fast Track ended without improvement",
        without_reason_first=True,
    )
    officer.assert_current(LEEDS_STAGES, "Support and guidance request")
    assert FAST_TRACK_FINAL not in officer.tasks()  # the route's own end

    officer.next_day(clock_in_the_past, D(2025, 1, 8), 10)
    officer.move("School attendance panel", "No engagement with the family support practitioner")
    officer.assert_current(LEEDS_STAGES, "School attendance panel")
    details = officer.page.get_by_text("What must be held before the case moves on")
    assert details.is_visible()

    officer.next_day(clock_in_the_past, D(2025, 1, 22), 10)
    _evidence_on_file(world.officer, world.school, leave=[NOTICE_TO_IMPROVE, *PANEL_CHECKS])
    refused = officer.move_refused(
        "Case transfer to the local authority", "The panel recommends legal action"
    )
    assert NOT_REFERRED + "; ".join(PANEL_CHECKS.values()) + "; " + NTI_ITEM in refused
    officer.hold(NTI_ITEM, "NTI issued 9 December 2024 (copy on file)")
    message = officer.move(
        "Case transfer to the local authority",
        "The panel recommends legal action",
        held=list(PANEL_CHECKS.values()),
    )
    assert "the case is now run by Testshire County Council" in message
    officer.assert_current(LEEDS_STAGES, "Case transfer to the local authority")
    # Leeds' schools hand the case over: the school reads it but no longer writes it.
    assert officer.page.get_by_role("button", name="Move to another stage").count() == 0
    assert "You can read this case; Testshire County Council runs it." in officer.page.inner_text(
        "main"
    )

    la = Officer(browser.new_page(), live_server, world.la_officer, to=officer.case_path)
    la.next_day(clock_in_the_past, D(2025, 1, 29), 10)
    la.move("Legal proceedings", "Legal action endorsed by the Support and Guidance Group")
    la.assert_current(LEEDS_STAGES, "Legal proceedings")
    assert la.tasks() == {
        "Lay the case with legal services (6 to 8 weeks after endorsement)": (
            "26 March 2025",
            "8 weeks from 29 January 2025",
        )
    }

    la.next_day(clock_in_the_past, D(2025, 4, 2), 10)
    la.move("Beyond statutory proceedings", "Attendance still unsatisfactory after the hearing")
    la.assert_current(LEEDS_STAGES, "Beyond statutory proceedings")

    policy = "(Leeds - Bramley Cluster Partnership)"
    assert la.chronology() == [
        (
            "9 October 2024 · Case opened",
            f"Case opened at the School intervention stage {policy}",
            OFFICER,
        ),
        (
            "9 October 2024 · Note",
            "Fast Track started: 20 school days of monitoring, then 20 school days",
            OFFICER,
        ),
        ("13 November 2024 · Task done", f"Done: {FAST_TRACK_MONITORING}", OFFICER),
        (
            "11 December 2024 · Stage changed",
            "Moved on from School intervention to Support and guidance request",
            OFFICER,
        ),
        (
            "8 January 2025 · Stage changed",
            "Moved on from Support and guidance request to School attendance panel",
            OFFICER,
        ),
        (
            "22 January 2025 · Stage changed",
            "Moved on from School attendance panel to Case transfer to the local authority",
            OFFICER,
        ),
        (
            "22 January 2025 · Taken over by the local authority",
            "Taken over by Testshire County Council",
            OFFICER,
        ),
        (
            "29 January 2025 · Stage changed",
            "Moved on from Case transfer to the local authority to Legal proceedings",
            LA_OFFICER,
        ),
        (
            "2 April 2025 · Stage changed",
            "Moved on from Legal proceedings to Beyond statutory proceedings",
            LA_OFFICER,
        ),
    ]
    la.page.context.close()


PDT_REVIEW = "Review the case at the Formalise support stage (every 6 weeks)"
CONTRACT_END = "Review the 6-week academy attendance contract"


def test_trust_case_opened_below_90_percent_and_walked_to_enforce(
    live_server, page, browser, world, clock_in_the_past
):
    """Peterborough Diocese Education Trust: below 90 % opens the case that night at Listen
    and understand with its letter and meeting; Formalise support brings the 6-week academy
    attendance contract and a review every 6 weeks."""
    world = world("peterborough-diocese-trust")
    officer = Officer(page, live_server, world.officer)
    officer.worklist_item("Attendance below 90 % - letter, meeting and attendance targets")
    officer.see_case("Listen and understand")
    officer.assert_current(NATIONAL_STAGES, "Listen and understand")
    assert officer.tasks() == {
        "Write to the parents about the high level of absence, asking for a meeting": (
            UNDATED,
            "Set 9 October 2024",
        ),
        "Set attendance targets at the meeting": (UNDATED, "Set 9 October 2024"),
    }

    officer.next_day(clock_in_the_past, D(2024, 10, 16), 10)
    officer.move(
        "Facilitate support",
        "Targets set; support from the learning mentor",
        without_reason_first=True,
    )
    officer.assert_current(NATIONAL_STAGES, "Facilitate support")

    officer.next_day(clock_in_the_past, D(2024, 10, 23), 10)
    officer.move("Formalise support", "Targets not met")
    officer.assert_current(NATIONAL_STAGES, "Formalise support")
    tasks = officer.tasks()
    assert tasks[CONTRACT_END] == ("4 December 2024", "6 weeks from 23 October 2024")
    assert tasks[PDT_REVIEW] == ("4 December 2024", "6 weeks from 23 October 2024")

    officer.next_day(clock_in_the_past, D(2024, 12, 4), 10)
    officer.task_done(PDT_REVIEW, "Contract reviewed with the LA Attendance Officer")
    assert officer.tasks()[PDT_REVIEW] == ("15 January 2025", "6 weeks from 4 December 2024")

    officer.next_day(clock_in_the_past, D(2024, 12, 11), 10)
    officer.hold(NTI_ITEM, "NTI issued 20 November 2024 (copy on file)")
    message = officer.move("Enforce", "Contract broken; threshold met")
    assert "the case is now run by Testshire County Council" in message
    officer.assert_current(NATIONAL_STAGES, "Enforce")

    policy = "(Peterborough Diocese Education Trust)"
    assert officer.chronology() == [
        (
            "9 October 2024 · Case opened",
            f"Case opened at the Listen and understand stage {policy}",
            SYSTEM,
        ),
        (
            "16 October 2024 · Stage changed",
            "Moved on from Listen and understand to Facilitate support",
            OFFICER,
        ),
        (
            "23 October 2024 · Stage changed",
            "Moved on from Facilitate support to Formalise support",
            OFFICER,
        ),
        ("4 December 2024 · Task done", f"Done: {PDT_REVIEW}", OFFICER),
        ("11 December 2024 · Stage changed", "Moved on from Formalise support to Enforce", OFFICER),
        (
            "11 December 2024 · Taken over by the local authority",
            "Taken over by Testshire County Council",
            OFFICER,
        ),
    ]


SEFTON_STAGES = (
    "Attendance support plan and early help (school)",
    "Referral to the Local Authority",
    "LA School Attendance Panel",
    "Panel target review",
    "Education Supervision Order planning meeting",
    "Legal proceedings",
)


def test_sefton_case_referred_to_the_la_and_walked_to_legal_proceedings(
    live_server, page, browser, world, clock_in_the_past
):
    """Sefton: the school opens the case and refers it; the LA runs the panel (the invitation
    dated by the panel, the contract's targets reviewed 12 weeks on) and the stages
    after it, while the school keeps reading and writing."""
    world = world("sefton")
    officer = Officer(page, live_server, world.officer)
    officer.worklist_item("Persistent absence")
    officer.open_case(stage=SEFTON_STAGES[0], rationale="Persistent absence since September")
    officer.assert_current(SEFTON_STAGES, SEFTON_STAGES[0])

    officer.next_day(clock_in_the_past, D(2024, 10, 16), 10)
    support = {
        "attendance_support_plan": "An Attendance Support Plan or early help plan has been in "
        "place",
        "whole_family_assessment": "An early help assessment of the whole family has been "
        "considered",
    }
    _evidence_on_file(world.officer, world.school, leave=[NOTICE_TO_IMPROVE, *support])
    officer.hold(NTI_ITEM, "No NTI: a penalty notice is not proposed")
    message = officer.move(
        "Referral to the Local Authority",
        "Support plan targets missed",
        without_reason_first=True,
        held=list(support.values()),
    )
    assert "the case is now run by Testshire County Council" in message
    officer.assert_current(SEFTON_STAGES, "Referral to the Local Authority")

    la = Officer(browser.new_page(), live_server, world.la_officer, to=officer.case_path)
    la.next_day(clock_in_the_past, D(2024, 10, 23), 10)
    la.move("LA School Attendance Panel", "Referral accepted; panel to be held")
    la.assert_current(SEFTON_STAGES, "LA School Attendance Panel")
    tasks = la.tasks()
    # The invitation goes about 10 days before the panel, whose date the LA sets later.
    assert tasks["Send each parent the panel invitation about 10 days before the panel"] == (
        "The profile sets no date for this",
        "Set 23 October 2024",
    )
    assert tasks["Review the attendance contract's targets (target period usually 12 weeks)"] == (
        "15 January 2025",
        "12 weeks from 23 October 2024",
    )
    la.shot("case-walk-sefton-panel")

    for day, stage, why in (
        (D(2025, 1, 15), "Panel target review", "Twelve weeks since the panel"),
        (D(2025, 1, 29), "Education Supervision Order planning meeting", "Targets not met"),
        (D(2025, 2, 12), "Legal proceedings", "The family did not attend the planning meeting"),
    ):
        la.next_day(clock_in_the_past, day, 10)
        la.move(stage, why)
        la.assert_current(SEFTON_STAGES, stage)

    officer.next_day(clock_in_the_past, D(2025, 2, 12), 14, look=True)
    officer.assert_current(SEFTON_STAGES, "Legal proceedings")
    # Sefton's schools work the case in partnership with the LA after the referral.
    assert officer.page.get_by_role("button", name="Move to another stage").is_visible()
    chronology = officer.chronology()
    assert [(when, who) for when, _, who in chronology] == [
        ("9 October 2024 · Case opened", OFFICER),
        ("16 October 2024 · Stage changed", OFFICER),
        ("16 October 2024 · Taken over by the local authority", OFFICER),
        ("23 October 2024 · Stage changed", LA_OFFICER),
        ("15 January 2025 · Stage changed", LA_OFFICER),
        ("29 January 2025 · Stage changed", LA_OFFICER),
        ("12 February 2025 · Stage changed", LA_OFFICER),
    ]
    assert (
        chronology[-1][1]
        == "Moved on from Education Supervision Order planning meeting to Legal proceedings"
    )
    la.page.context.close()
