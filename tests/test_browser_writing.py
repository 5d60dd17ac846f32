"""Writing and history in a real browser, as staff work: cite a study from the toolbar, keep typing through
an expired login, compare two versions; under the strict CSP, with nothing axe objects to."""

import io
import re

import pytest
import reversion
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from playwright.sync_api import expect

from exercises.articles.models import FAQ, Comparison
from exercises.writing.models import Reference
from tests.conftest import make_photo
from tests.test_browser_staff_journey import watch_csp

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots/writing"
QUESTION = "What’s better for glute growth?"


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_initial_data", stdout=io.StringIO())
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    Reference.objects.create(
        key="plotkin-2022",
        authors="Plotkin DL, Rodas MA, Vigotsky AD",
        title="Hip thrust and back squat training elicit similar gluteus muscle hypertrophy",
        journal="PeerJ",
        year=2022,
        finding="Similar growth.",
    )
    return live_server.url


def log_in(staff):
    staff.get_by_label("Username").fill("editor")
    staff.get_by_label("Password").fill("a-long-test-password")
    staff.get_by_role("button", name="Log in").click()


def staff_page(browser, site, width=1280):
    context = browser.new_context(base_url=site, viewport={"width": width, "height": 900})
    staff = context.new_page()
    staff.goto("/admin/login/")
    log_in(staff)
    staff.get_by_role("heading", name="Your desk").wait_for()
    return staff


def test_staff_cite_a_study_from_the_toolbar_and_the_preview_numbers_it(browser, site):
    faq = FAQ.objects.get(question=QUESTION)
    make_photo("bench", alt_text="The bench at shoulder height")
    make_photo("rack", alt_text="A squat rack")
    staff = staff_page(browser, site)
    csp = watch_csp(staff)
    staff.goto(f"/admin/exercises/faq/{faq.pk}/change/")
    answer = staff.locator("textarea#id_answer")
    answer.fill("## Short answer\n\nHip thrusts grow the glutes as well as squats do")
    answer.press("Control+End")

    toolbar = staff.get_by_role("toolbar", name="Formatting for Answer")
    cite = toolbar.get_by_role("button", name="Cite")
    cite.click()
    picker = staff.get_by_role("dialog", name="Cite a reference")
    picker.get_by_label("Search the references by author, title or journal").fill("plotkin")
    expect(picker.locator(".markdown-picker__results button")).to_have_count(1)  # only the study typed for
    choice = picker.get_by_role("button", name=re.compile(r"^Plotkin DL"))
    staff.screenshot(path=f"{SHOTS}-cite-picker.png")
    choice.click()

    assert picker.is_hidden()
    assert answer.input_value().endswith("as well as squats do[ref:plotkin-2022]")
    preview = staff.locator(".markdownx-preview")
    preview.locator("sup.cite a", has_text="[1]").wait_for()
    assert "ref:plotkin-2022" not in preview.locator(".preview-body").inner_text()
    warning = preview.locator(".preview-warnings")
    assert "“## Short answer” is a heading size the page does not use" in warning.inner_text()
    staff.screenshot(path=f"{SHOTS}-toolbar-warning.png", full_page=True)

    # The toolbar is one Tab stop; the arrow keys move along it, and Bold acts on the selection.
    answer.evaluate(
        "element => element.setSelectionRange(element.value.indexOf('Hip'), element.value.indexOf(' thrusts'))"
    )
    toolbar.get_by_role("button", name="Bold").focus()
    staff.keyboard.press("ArrowRight")
    assert staff.evaluate("document.activeElement.textContent") == "Italic"
    staff.keyboard.press("ArrowLeft")
    staff.keyboard.press("Enter")
    assert "**Hip** thrusts" in answer.input_value()
    preview.locator(".preview-body strong", has_text="Hip").wait_for()

    # Image: a picture of the library, found by its description, placed as Markdown and shown in the preview.
    answer.press("Control+End")
    answer.press("Enter")
    answer.press("Enter")
    toolbar.get_by_role("button", name="Image").click()
    picker = staff.get_by_role("dialog", name="Insert a picture from the library")
    picker.get_by_label("Search the photo library by description or key").fill("bench")
    expect(picker.locator(".markdown-picker__results button")).to_have_count(1)
    picker.get_by_role("button", name=re.compile(r"^The bench at shoulder height")).click()
    assert answer.input_value().endswith("![The bench at shoulder height](image:bench)")
    picture = preview.locator(".preview-body picture img[alt='The bench at shoulder height']")
    picture.wait_for()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")

    assert csp == []
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()


def test_typing_survives_a_login_that_expired_during_the_edit(browser, site):
    faq = FAQ.objects.get(question=QUESTION)
    staff = staff_page(browser, site)
    csp = watch_csp(staff)
    url = f"/admin/exercises/faq/{faq.pk}/change/"
    staff.goto(url)
    typed = "A long answer, typed over half an hour: hip thrusts for the glutes, squats close behind."
    staff.locator("textarea#id_answer").fill(typed)
    staff.wait_for_timeout(600)  # the draft is kept a moment after the last key

    Session.objects.all().delete()  # the login expires
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_label("Username").wait_for()
    log_in(staff)
    staff.wait_for_url(re.compile(re.escape(url) + "$"))
    assert staff.locator("textarea#id_answer").input_value() != typed  # the save never happened

    staff.get_by_role("button", name="Restore what you typed").click()
    assert staff.locator("textarea#id_answer").input_value() == typed
    staff.get_by_role("button", name="Save and continue editing").click()
    staff.locator(".messagelist .success").wait_for()
    faq.refresh_from_db()
    assert faq.answer == typed
    kept = staff.evaluate("Object.keys(localStorage).filter(key => key.startsWith('csa-admin-draft:'))")
    assert kept == []  # saved, so nothing is kept any more
    assert staff.get_by_role("button", name="Restore what you typed").count() == 0
    assert csp == []


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_compare_two_versions_of_an_article_side_by_side(browser, site, width):
    comparison = Comparison.objects.get()
    faq = comparison.faqs.get(question=QUESTION)
    with reversion.create_revision():
        reversion.set_user(get_user_model().objects.get())
        reversion.set_comment("Sharper title, longer answer.")
        comparison.title = "Leg Press vs Hip Thrust: which builds glutes?"
        comparison.save()
        faq.answer += " Squats come close behind."
        faq.save()
    staff = staff_page(browser, site, width)
    csp = watch_csp(staff)

    staff.goto(f"/admin/exercises/comparison/{comparison.pk}/history/")
    rows = staff.locator("#change-history tbody tr")
    assert "Sharper title, longer answer." in rows.first.inner_text()  # newest first
    assert re.search(r"\d{2}:\d{2}:\d{2}", rows.first.inner_text())  # to the second
    staff.screenshot(path=f"{SHOTS}-history-{width}.png", full_page=True)
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()

    staff.get_by_role("button", name="Compare").click()
    staff.get_by_role("heading", name="What changed").wait_for()
    title = staff.locator(".history-field", has=staff.get_by_role("heading", name="Title"))
    assert title.locator(".history-side--before").inner_text().endswith("Leg Press vs Hip Thrust")
    assert title.locator(".history-side--after ins").inner_text() == ": which builds glutes?"
    faqs = staff.locator(".history-changes", has=staff.get_by_role("heading", name="FAQs"))
    assert faqs.locator(".history-side--after ins").inner_text() == " Squats come close behind."
    assert staff.evaluate("document.documentElement.scrollWidth") <= width
    staff.screenshot(path=f"{SHOTS}-compare-{width}.png", full_page=True)

    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()
    assert csp == []
