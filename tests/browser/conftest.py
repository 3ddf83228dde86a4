"""Browser tests drive Debian's Chromium through Playwright (no browser downloads)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

CHROMIUM = os.environ.get("ROLLCALL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; .ci/run installs it with apt")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page whose console must not report a Content-Security-Policy violation: any inline
    script, inline style or outside resource a page uses fails the test that opened it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def clock_in_the_past(time_machine, settings):
    """Stand the clock at a past day for pages used in the browser. Cookies then last as long as
    the browser does: the browser itself lives in today, and would drop a cookie that expired
    by the real clock."""

    def stand(day: dt.date, hour: int = 16) -> None:
        settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
        settings.CSRF_COOKIE_AGE = None
        time_machine.move_to(
            dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/London")),
            tick=True,
        )

    return stand
