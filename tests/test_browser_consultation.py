"""The consultation form in a real browser: keyboard only, error recovery, and axe at phone and desktop widths."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from exercises.leads.models import ConsultationRequest
from exercises.leads.views import to_thanks

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = "/tmp"


@pytest.fixture(autouse=True)
def quick_humans(settings):
    # The live server runs in a thread of this process, so this reaches its views.
    settings.CONSULTATION_RATE_LIMIT = 100


@pytest.fixture
def published_content(transactional_db):
    call_command("load_initial_data", stdout=io.StringIO())


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.tagName")


def tab_to(page, element_id: str, limit: int = 30) -> int:
    """Press Tab until the element has focus, as a keyboard user would; returns how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return presses
    raise AssertionError(f"#{element_id} never got focus after {limit} presses of Tab")


def assert_no_axe_violations(page):
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def at_both_widths(page, check):
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        check()


def test_a_visitor_books_using_only_the_keyboard(page, live_server):
    page.goto(live_server.url + "/consultation/")

    tab_to(page, "id_name")
    page.keyboard.type("Maria López")
    page.keyboard.press("Tab")
    assert focused(page) == "id_email"
    page.keyboard.type("maria@example.com")
    page.keyboard.press("Tab")
    assert focused(page) == "id_goal"
    page.keyboard.type("Athletic")  # type-ahead picks the option
    assert page.locator("#id_goal").input_value() == "athletic"
    page.keyboard.press("Tab")
    assert focused(page) == "id_preferred_contact_0", "Tab should land on the chosen radio"
    page.keyboard.press("ArrowRight")
    assert focused(page) == "id_preferred_contact_1"
    assert page.locator("#id_preferred_contact_1").is_checked()
    page.keyboard.press("Tab")
    assert focused(page) == "id_phone"
    page.keyboard.type("512-555-0134")
    page.keyboard.press("Tab")
    assert focused(page) == "id_best_time"
    page.keyboard.press("ArrowDown")  # Any time -> Morning
    page.keyboard.press("ArrowDown")  # -> Afternoon
    assert page.locator("#id_best_time").input_value() == "afternoon"
    page.keyboard.press("Tab")
    assert focused(page) == "id_message"
    page.keyboard.type("Sore left knee.\nI want to sprint faster.")
    page.keyboard.press("Tab")
    assert focused(page) == "id_consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/privacy/"  # what is kept, and why
    page.keyboard.press("Tab")
    assert focused(page) == "id_calls_texts_consent"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page) == "BUTTON", "the hidden honeypot must not take focus"
    page.wait_for_timeout(600)  # Playwright types faster than the time trap allows a person to
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/consultation/thanks/\?sent=[^&]+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you, we have your request"
    request = ConsultationRequest.objects.get()
    assert request.name == "Maria López"
    assert request.email == "maria@example.com"
    assert request.goal == "athletic"
    assert request.preferred_contact == "phone"
    assert request.phone == "512-555-0134"
    assert request.best_time == "afternoon"
    assert request.message.splitlines() == ["Sore left knee.", "I want to sprint faster."]
    assert request.consent and request.calls_texts_consent
    assert request.source_path == "/consultation/"


def test_errors_are_summarised_linked_to_their_fields_and_keep_what_was_typed(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/consultation/")
    page.screenshot(path=f"{SCREENSHOTS}/consultation-form-390.png", full_page=True)

    # Everything but the name and the consent, with characters HTML likes to mangle.
    tab_to(page, "id_email")
    page.keyboard.type("sam@example.com")
    page.keyboard.press("Tab")
    page.keyboard.type("Glutes")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Text message
    page.keyboard.press("Tab")
    page.keyboard.type("(512) 555-0199")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    typed_message = 'Knees & "hips" <sometimes> hurt.\nÇa va?'
    page.keyboard.type(typed_message)
    page.keyboard.press("Tab")  # consent: left unticked
    page.keyboard.press("Tab")  # the privacy page's link
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # calls and texts: ticked
    page.wait_for_timeout(600)  # a person takes longer than the time trap
    page.keyboard.press("Enter")  # submits the form from the checkbox

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert "Please check your answers" in summary.inner_text()
    links = summary.get_by_role("link")
    assert links.count() == 2
    assert links.nth(0).inner_text() == "Your name: Enter your name."
    assert links.nth(1).inner_text() == "Please tick this box so we may contact you about your consultation."
    page.screenshot(path=f"{SCREENSHOTS}/consultation-errors-390.png", full_page=True)

    # Every answer is still there.
    assert page.locator("#id_name").input_value() == ""
    assert page.locator("#id_email").input_value() == "sam@example.com"
    assert page.locator("#id_goal").input_value() == "glutes"
    assert page.locator("#id_preferred_contact_2").is_checked()
    assert page.locator("#id_phone").input_value() == "(512) 555-0199"
    assert page.locator("#id_best_time").input_value() == "morning"
    assert page.locator("#id_message").input_value() == typed_message
    assert not page.locator("#id_consent").is_checked()
    assert page.locator("#id_calls_texts_consent").is_checked()
    # Each error is also next to its field, and read out with it.
    assert page.locator("#id_name").get_attribute("aria-describedby") == "id_name_error"
    assert page.locator("#id_name_error").inner_text() == "Enter your name."
    assert "id_consent_error" in page.locator("#id_consent").get_attribute("aria-describedby")

    # The summary's links take the keyboard to each field.
    for link, target in [(links.nth(0), "id_name"), (links.nth(1), "id_consent")]:
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(f"document.activeElement.id === '{target}'")
    assert focused(page) == "id_consent"

    # Fixing the two answers sends the request.
    page.keyboard.press("Space")
    links.nth(0).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'id_name'")
    page.keyboard.type("Sam Rivera")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/consultation/thanks/\?sent=[^&]+$"))
    page.screenshot(path=f"{SCREENSHOTS}/consultation-thanks-390.png", full_page=True)
    request = ConsultationRequest.objects.get()
    assert (request.name, request.email, request.preferred_contact) == ("Sam Rivera", "sam@example.com", "text")
    assert request.message.splitlines() == typed_message.splitlines()


def test_axe_finds_no_violations_on_the_form_its_errors_and_the_thank_you_page(page, live_server):
    page.goto(live_server.url + "/consultation/")
    at_both_widths(page, lambda: assert_no_axe_violations(page))

    page.wait_for_timeout(600)
    page.get_by_role("button", name="Request my free consultation").press("Enter")
    page.locator(".error-summary").wait_for()
    at_both_widths(page, lambda: assert_no_axe_violations(page))

    page.goto(live_server.url + to_thanks()["Location"])  # as a sent form reaches it
    at_both_widths(page, lambda: assert_no_axe_violations(page))


def test_the_form_at_the_end_of_a_comparison_credits_that_comparison(page, live_server, published_content):
    path = "/compare/leg-press-vs-hip-thrust/"
    page.goto(live_server.url + path)
    form = page.locator("section.cta form")
    form.scroll_into_view_if_needed()
    results = Axe().run(page, context="section.cta")
    assert results.violations_count == 0, results.generate_report()

    form.get_by_label("Your name").fill("Jordan Lee")
    form.get_by_label("Email address").fill("jordan@example.com")
    form.get_by_label("Your main goal").select_option("glutes")
    form.get_by_label("I agree that").check()
    page.wait_for_timeout(600)
    form.get_by_role("button", name="Request my free consultation").click()

    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/consultation/thanks/\?sent=[^&]+$"))
    request = ConsultationRequest.objects.get()
    assert request.name == "Jordan Lee"
    assert request.source_path == path
    assert request.source_comparison.slug == "leg-press-vs-hip-thrust"


def test_a_comparison_keeps_the_credit_when_its_form_comes_back_with_an_error(page, live_server, published_content):
    path = "/compare/leg-press-vs-hip-thrust/"
    page.goto(live_server.url + path)
    form = page.locator("section.cta form")
    form.get_by_label("Your name").fill("Jordan Lee")
    form.get_by_label("Email address").fill("jordan@example")
    form.get_by_label("Your main goal").select_option("quads")
    form.get_by_label("I agree that").check()
    page.wait_for_timeout(600)
    form.get_by_role("button", name="Request my free consultation").click()

    page.locator(".error-summary").wait_for()
    assert page.url == live_server.url + path  # still the article...
    assert page.evaluate("document.activeElement.id") == "error-summary"  # ...brought to its form's errors
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Leg Press vs Hip Thrust"
    assert page.locator(".error-summary a").all_inner_texts() == [
        "Email address: Enter an email address like name@example.com."
    ]
    assert page.get_by_label("Your name").input_value() == "Jordan Lee"
    assert page.get_by_label("I agree that").is_checked()
    page.get_by_label("Email address").fill("jordan@example.com")
    page.get_by_role("button", name="Request my free consultation").click()

    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/consultation/thanks/\?sent=[^&]+$"))
    request = ConsultationRequest.objects.get()
    assert (request.email, request.goal) == ("jordan@example.com", "quads")
    assert request.source_comparison.slug == "leg-press-vs-hip-thrust"


def test_the_calls_and_texts_box_shows_only_once_a_call_or_a_text_is_chosen(page, live_server):
    page.goto(live_server.url + "/consultation/")
    box = page.locator("#id_calls_texts_consent")

    assert box.is_hidden()  # email is the choice
    page.locator("#id_preferred_contact_1").check()  # a phone call
    assert box.is_visible()
    page.locator("#id_preferred_contact_2").check()  # a text
    assert box.is_visible()
    page.locator("#id_preferred_contact_0").check()
    assert box.is_hidden()
    assert_no_axe_violations(page)


def test_without_javascript_the_box_stays_and_the_server_asks_for_it_when_needed(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/consultation/")
    assert page.locator("#id_calls_texts_consent").is_visible()

    page.fill("#id_name", "Sam Rivera")
    page.fill("#id_email", "sam@example.com")
    page.select_option("#id_goal", "glutes")
    page.locator("#id_preferred_contact_2").check()  # a text, but no tick for texts
    page.fill("#id_phone", "512-555-0134")
    page.locator("#id_consent").check()
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Request my free consultation").click()

    assert "Tick this box so we may call or text you" in page.content()
    assert page.locator("#id_calls_texts_consent").is_visible()
    assert not ConsultationRequest.objects.exists()
    context.close()
