"""axe-core finds nothing wrong with any public page, on a phone (390 px) and a desktop (1280 px).

Each page is opened in Debian's Chromium as a visitor opens it, so whatever the
page holds at run time is checked: the consultation form's error state comes
from pressing its Send button with nothing filled in.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from exercises.leads.views import to_thanks
from tests.conftest import PUBLIC_PAGES, make_test_coach

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WIDTHS = {"390px": {"width": 390, "height": 844}, "1280px": {"width": 1280, "height": 900}}


def open_consultation_with_errors(page, base: str):
    page.goto(base + "/consultation/")
    page.get_by_role("button", name="Request my free consultation").click()
    page.locator("#error-summary").wait_for()


def open_coach_page(page, base: str):
    coach = make_test_coach()
    page.goto(base + coach.get_absolute_url())


def open_thanks(page, base: str):
    page.goto(base + to_thanks()["Location"])  # as a sent form reaches it


PAGES = {
    **PUBLIC_PAGES,
    "consultation-errors": open_consultation_with_errors,
    "consultation-thanks": open_thanks,
    "coach": open_coach_page,
}


@pytest.fixture
def site(live_server, settings):
    """The live server with the shipped content, and a form that takes many requests from one address."""
    call_command("load_initial_data", stdout=io.StringIO())
    # The live server runs in a thread of this process, so this reaches its views.
    settings.CONSULTATION_RATE_LIMIT = 100
    return live_server.url


@pytest.fixture(params=list(WIDTHS))
def screen(request, browser):
    viewport = WIDTHS[request.param]
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations(site, screen, name):
    target = PAGES[name]
    if callable(target):
        target(screen, site)
    else:
        response = screen.goto(site + target)
        assert response.status == (404 if name == "not-found" else 200)
    screen.wait_for_load_state("load")

    results = Axe().run(screen)

    assert results.violations_count == 0, results.generate_report()
