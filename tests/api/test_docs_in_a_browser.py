"""The API documentation works in a real browser, offline, from rollcall's own copy of
Swagger UI, and can call the API with a token."""

import os
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, page, screenshot  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    # tests/browser keeps one Chromium for the whole session; this module's own one is closed
    # when the module ends, because Playwright allows one sync session at a time.
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; .ci/run installs it with apt")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield browser
        browser.close()


def test_the_documentation_lists_the_endpoints(live_server, page, screenshot):  # noqa: F811
    requests_elsewhere = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else requests_elsewhere.append(request)
        ),
    )
    page.goto(live_server.url + "/api/docs")
    page.get_by_text("rollcall API").first.wait_for()
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    paths = set(operations.all_inner_texts())
    assert {"/api/schools/{urn}/marks", "/api/pupils/{upn}/figures"} <= {
        p.replace("\u200b", "") for p in paths
    }
    assert page.get_by_role("button", name="Authorize").is_visible()
    screenshot("api-docs")
    page.locator(".opblock-summary-path", has_text="/api/schools/{urn}/marks").first.click()
    page.get_by_text("amendment_reason").first.wait_for()
    screenshot("api-docs-marks-push")
    assert requests_elsewhere == []
