"""The inbox as staff work it, in a real browser: change a lead's status from the list, on a phone and a
desktop, with no sideways scrolling, and nothing axe objects to on the list, a lead and the admin home."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model

from exercises.leads.models import ConsultationRequest, RequestStatus
from tests.test_browser_admin_editor import WIDTHS, log_in
from tests.test_browser_staff_journey import watch_csp
from tests.test_leads_inbox import new_lead

pytestmark = pytest.mark.browser

SHOTS = "/tmp/inbox"


@pytest.fixture
def site(transactional_db, live_server):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    new_lead(name="Ana Ruiz", email="ana@example.com", phone="512-555-0134", message="My left knee.")
    ConsultationRequest.objects.filter(pk=new_lead(name="Old Archived", email="old@example.com").pk).update(
        archived=True
    )
    return live_server.url


@pytest.mark.parametrize("width", list(WIDTHS))
def test_staff_change_a_leads_status_from_the_list(browser, site, width):
    staff = log_in(browser, site, WIDTHS[width])
    csp = watch_csp(staff)
    staff.goto("/admin/exercises/consultationrequest/")

    assert staff.get_by_role("link", name="ana@example.com").get_attribute("href") == "mailto:ana@example.com"
    assert staff.get_by_role("link", name="512-555-0134").get_attribute("href").startswith("tel:")
    assert staff.get_by_text("Old Archived").count() == 0  # archived leads stay out of the way
    assert staff.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert csp == []  # checked before the screenshot and axe, which inject styles of their own
    staff.screenshot(path=f"{SHOTS}-list-{width}.png", full_page=True)
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()
    csp.clear()

    staff.get_by_role("combobox", name="Status of Ana Ruiz").select_option(RequestStatus.CONTACTED.value)
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.locator(".messagelist .success").wait_for()
    lead = ConsultationRequest.objects.get(name="Ana Ruiz")
    assert lead.status == RequestStatus.CONTACTED
    assert lead.first_contacted_at is not None
    assert csp == []

    staff.goto(f"/admin/exercises/consultationrequest/{lead.pk}/change/")
    assert staff.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    staff.screenshot(path=f"{SHOTS}-lead-{width}.png", full_page=True)
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()

    staff.goto("/admin/")
    assert staff.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    staff.screenshot(path=f"{SHOTS}-home-{width}.png", full_page=True)
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()
