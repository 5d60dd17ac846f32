"""The owner's desk in a real browser: the inbox at 1280 px with every column in view, a lead's page with
tap-to-call and "Mark contacted", and the public form asking for a phone as soon as a call is chosen.
axe finds nothing at 390 and 1280 px; screenshots, light and dark, go to /tmp/shots/."""

import datetime
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises.leads.models import ArticleReads, ConsultationGoal, ConsultationRequest, ContactMethod, RequestStatus
from tests.test_browser_admin_editor import WIDTHS
from tests.test_browser_staff_journey import watch_csp
from tests.test_leads_inbox import new_lead

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
SCHEMES = ("light", "dark")


@pytest.fixture
def site(transactional_db, live_server, settings):
    settings.CONSULTATION_RATE_LIMIT = 100
    call_command("load_initial_data", stdout=io.StringIO())
    get_user_model().objects.create_superuser("owner", "owner@example.com", "a-long-test-password")
    new_lead(
        name="Ana Ruiz-Montgomery",
        email="ana.ruiz-montgomery@example.com",
        phone="(512) 555-0134",
        preferred_contact=ContactMethod.PHONE,
        source_path="/compare/leg-press-vs-hip-thrust/",
        age=timedelta(hours=3),
    )
    new_lead(name="Ben Ortiz", email="ben@example.org", goal=ConsultationGoal.ATHLETIC, age=timedelta(minutes=20))
    new_lead(name="Cleo Park", email="cleo@example.net", age=timedelta(days=2), status=RequestStatus.BOOKED)
    return live_server.url


def owner(browser, site, width: str, scheme: str = "light"):
    context = browser.new_context(base_url=site, viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.locator("#content").wait_for()
    return page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def shoot_and_check(page, name: str):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"desk-{name}.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_inbox_shows_every_column_without_scrolling_the_table(browser, site, width, scheme):
    page = owner(browser, site, width, scheme)
    csp = watch_csp(page)
    page.goto("/admin/exercises/consultationrequest/")

    assert page.get_by_role("link", name="ana.ruiz-montgomery@example.com").get_attribute("href") == (
        "mailto:ana.ruiz-montgomery@example.com"
    )
    assert page.get_by_role("link", name="(512) 555-0134").get_attribute("href") == "tel:5125550134"
    no_sideways_scroll(page)
    if width == "1280px":
        table = page.locator("#result_list")
        box = page.locator("#changelist .results")
        assert table.evaluate("t => t.scrollWidth") <= box.evaluate("b => b.clientWidth")
        right = box.bounding_box()["x"] + box.bounding_box()["width"]
        for column in ("name", "contact", "goal", "source", "age", "status", "notification_state"):
            header = page.locator(f"#result_list thead th.column-{column}")
            assert header.is_visible(), column
            assert header.bounding_box()["x"] + header.bounding_box()["width"] <= right + 1, column
    assert csp == []
    shoot_and_check(page, f"inbox-{width}-{scheme}")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_leads_page_calls_texts_mails_and_marks_contacted_in_one_click(browser, site, width):
    lead = ConsultationRequest.objects.get(name="Ana Ruiz-Montgomery")
    for scheme in SCHEMES:
        page = owner(browser, site, width, scheme)
        page.goto(f"/admin/exercises/consultationrequest/{lead.pk}/change/")
        no_sideways_scroll(page)
        shoot_and_check(page, f"lead-{width}-{scheme}")
    csp = watch_csp(page)

    assert page.get_by_role("link", name="(512) 555-0134").get_attribute("href") == "tel:5125550134"
    assert page.get_by_role("link", name="Text").get_attribute("href") == "sms:5125550134"
    assert page.get_by_role("link", name="ana.ruiz-montgomery@example.com").get_attribute("href") == (
        "mailto:ana.ruiz-montgomery@example.com"
    )
    page.get_by_role("button", name="Mark contacted").click()
    page.locator(".messagelist .success").wait_for()
    lead.refresh_from_db()
    assert lead.status == RequestStatus.CONTACTED and lead.first_contacted_at is not None
    assert page.get_by_role("button", name="Mark contacted").count() == 0
    assert csp == []


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_form_asks_for_a_phone_as_soon_as_a_call_is_chosen(browser, site, width):
    context = browser.new_context(base_url=site, viewport=WIDTHS[width])
    page = context.new_page()
    csp = watch_csp(page)
    page.goto("/consultation/")
    phone = page.locator("#id_phone")
    optional = page.locator("label[for=id_phone] .optional")

    assert optional.is_visible() and not phone.evaluate("input => input.required")
    page.get_by_label("Phone call").check()
    assert not optional.is_visible() and phone.evaluate("input => input.required")
    page.get_by_label("Text message").check()
    assert phone.evaluate("input => input.required")
    page.get_by_label("Email", exact=True).check()
    assert optional.is_visible() and not phone.evaluate("input => input.required")

    page.get_by_label("Your name").fill("Maria Lopez")
    page.get_by_label("Email address").fill("maria@example.com")
    page.get_by_label("Your main goal").select_option("glutes")
    page.get_by_label("Phone call").check()
    page.locator("#id_consent").check()
    page.locator("#id_calls_texts_consent").check()
    page.get_by_role("button", name="Request my free consultation").click()  # the form is novalidate: sent

    assert page.locator("#id_phone_error").inner_text() == (
        "Enter a phone number so we can call or text you, or choose email."
    )
    assert page.get_by_label("Your name").input_value() == "Maria Lopez"
    assert page.get_by_label("Phone call").is_checked()
    assert not optional.is_visible() and phone.evaluate("input => input.required")
    assert csp == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"desk-form-phone-needed-{width}-light.png", full_page=True)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_admin_home_is_the_owners_desk(browser, site, width, scheme):
    page = owner(browser, site, width, scheme)
    csp = watch_csp(page)
    page.goto("/admin/")

    page.get_by_role("heading", name="Your desk").wait_for()
    waiting = page.locator(".callback-list li")
    assert waiting.count() == 2
    assert "Ana Ruiz-Montgomery" in waiting.nth(0).inner_text()  # three hours: first, and over the target
    assert "over target" in waiting.nth(0).inner_text() and "over target" not in waiting.nth(1).inner_text()
    assert waiting.nth(0).get_by_role("link", name="(512) 555-0134").get_attribute("href") == "tel:5125550134"
    assert page.get_by_role("link", name="New comparison").is_visible()
    for group in ("Write", "Leads", "The gym", "Settings"):
        assert page.locator("#content-main .module caption", has_text=group).count() == 1
    no_sideways_scroll(page)
    assert csp == []
    shoot_and_check(page, f"home-{width}-{scheme}")


def test_a_visitor_from_the_newsletter_reads_then_books_and_the_owner_sees_where_they_came_from(browser, site):
    visitor = browser.new_context(base_url=site, viewport=WIDTHS["390px"]).new_page()
    csp = watch_csp(visitor)
    visitor.goto(
        "/compare/leg-press-vs-hip-thrust/?utm_source=newsletter&utm_campaign=dec",
        referer="https://news.example.com/issue-12",
    )
    visitor.mouse.wheel(0, 2000)  # reads
    visitor.goto("/consultation/")
    visitor.get_by_label("Your name").fill("Nina Newsletter")
    visitor.get_by_label("Email address").fill("nina@example.com")
    visitor.get_by_label("Your main goal").select_option("glutes")
    visitor.locator("#id_consent").check()
    visitor.get_by_role("button", name="Request my free consultation").click()
    visitor.wait_for_url(re.compile(r"/consultation/thanks/\?sent=[^&]+$"))
    assert csp == []
    assert visitor.context.cookies() == []  # sessionStorage only: no cookie was set

    lead = ConsultationRequest.objects.get(name="Nina Newsletter")
    reads = ArticleReads.objects.get(article__slug="leg-press-vs-hip-thrust")  # the beacon counted the read
    assert (reads.source, reads.reads) == ("newsletter", 1)
    assert lead.landing_path == "/compare/leg-press-vs-hip-thrust/"
    assert (lead.utm_source, lead.utm_campaign, lead.referrer_host) == ("newsletter", "dec", "news.example.com")
    assert lead.article.slug == "leg-press-vs-hip-thrust" and lead.source_path == "/consultation/"

    page = owner(browser, site, "1280px")
    page.goto("/admin/exercises/consultationrequest/?utm_source=newsletter&utm_campaign=dec")
    assert page.locator("#result_list tbody tr").count() == 1
    assert page.get_by_role("link", name="Nina Newsletter").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these to CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, row = text.splitlines()[:2]
    record = dict(zip(header.split(","), row.split(","), strict=False))
    assert record["Landing page"] == "/compare/leg-press-vs-hip-thrust/"
    assert (record["Campaign source"], record["Campaign"]) == ("newsletter", "dec")
    page.goto(f"/admin/exercises/consultationrequest/{lead.pk}/change/")
    shoot_and_check(page, "lead-first-touch-1280px-light")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_report_of_what_the_articles_bring(browser, site, width, scheme):
    from exercises.articles.models import Comparison

    article = Comparison.objects.get(slug="leg-press-vs-hip-thrust")
    ArticleReads.objects.create(
        month=datetime.date.today().replace(day=1), article=article, source="newsletter", reads=120
    )
    page = owner(browser, site, width, scheme)
    csp = watch_csp(page)
    page.goto("/admin/")
    page.get_by_role("link", name="What the articles bring").first.click()
    page.get_by_role("heading", name="What the articles bring").wait_for()
    assert page.locator("svg.report-chart").is_visible()
    assert page.get_by_role("cell", name="newsletter").count() >= 1
    no_sideways_scroll(page)
    assert csp == []
    shoot_and_check(page, f"report-{width}-{scheme}")
