"""The staff journey of #5 in a real browser: edit an FAQ, schedule a comparison, revert the edit.

A reader (an anonymous browser context that loaded the article before any
edit, so it was cached) watches the public site while staff work in the admin.
"""

import datetime
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from exercises.articles.models import FAQ, Comparison, SectionKind
from exercises.pagecache import is_cached
from exercises.writing.models import Status
from tests.conftest import make_exercise

pytestmark = pytest.mark.browser

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
NEW_SLUG = "glute-bridge-vs-hip-thrust"
NEW_COMPARISON = f"/compare/{NEW_SLUG}/"
QUESTION = "What’s better for glute growth?"
ORIGINAL_ANSWER = "Hip thrusts, hands-down, for maximum glute activation."
EDITED_MARKDOWN = "**Hip thrusts** first, with *glute bridges* a close second."
EDITED_TEXT = "Hip thrusts first, with glute bridges a close second."
SHOTS = "/tmp/staff-journey"


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_initial_data", stdout=io.StringIO())  # records the shipped version in each history
    make_exercise("Glute Bridge", summary="A hip-hinge on the floor for the glutes.")
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    return live_server.url


@pytest.fixture
def reader(browser, site):
    """An anonymous visitor."""
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def staff(browser, site):
    """A staff member, logged out to begin with."""
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def watch_csp(page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def cached(path: str) -> bool:
    """Whether the page cache holds this page for the current content."""
    return is_cached(path)


def answer_on_article(reader):
    reader.goto(ARTICLE)
    question = reader.locator("h3.faq__question", has_text=QUESTION)
    return question.locator("xpath=following-sibling::div[1][@class='faq__answer']")


def test_staff_edit_schedule_preview_and_revert(reader, staff):
    reader_csp, staff_csp = watch_csp(reader), watch_csp(staff)
    faq = FAQ.objects.get(question=QUESTION)

    # Before anything changes the reader has the article, and so does the page cache.
    assert answer_on_article(reader).inner_text().strip() == ORIGINAL_ANSWER
    assert cached(ARTICLE)

    # 1. Log in.
    staff.goto("/admin/")
    staff.get_by_label("Username").fill("editor")
    staff.get_by_label("Password").fill("a-long-test-password")
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("heading", name="Your desk").wait_for()

    # 2. Change the FAQ answer; the markdownx live preview shows it formatted.
    staff.goto(f"/admin/exercises/faq/{faq.pk}/change/")
    editor = staff.locator("textarea#id_answer")
    assert editor.input_value() == ORIGINAL_ANSWER
    editor.fill("")
    editor.press_sequentially(EDITED_MARKDOWN)
    preview = staff.locator(".markdownx-preview")
    preview.locator("em").wait_for(timeout=10_000)
    assert preview.locator("strong").inner_text() == "Hip thrusts"
    assert preview.locator("em").inner_text() == "glute bridges"
    assert preview.inner_text().strip() == EDITED_TEXT
    staff.screenshot(path=f"{SHOTS}-1-faq-preview.png", full_page=True)

    # 3. Save: the reader's next look at the cached article shows the change.
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.locator(".messagelist .success").wait_for()
    answer = answer_on_article(reader)
    assert answer.inner_text().strip() == EDITED_TEXT
    assert answer.locator("strong").inner_text() == "Hip thrusts"
    answer.scroll_into_view_if_needed()
    reader.screenshot(path=f"{SHOTS}-2-reader-sees-edit.png")

    # 4. Schedule "Glute Bridge vs Hip Thrust" for tomorrow through the add form.
    goes_live = timezone.localtime() + datetime.timedelta(days=1)
    add_scheduled_comparison(staff, goes_live)
    comparison = Comparison.objects.get(slug=NEW_SLUG)
    assert comparison.status == Status.PUBLISHED
    assert comparison.published_at > timezone.now() + datetime.timedelta(hours=20)
    assert [e.name for e in comparison.exercises] == ["Glute Bridge", "Hip Thrust"]

    # ... readers cannot find it anywhere ...
    assert reader.goto(NEW_COMPARISON).status == 404
    assert_reader_cannot_find_it(reader)

    # ... while staff preview it as it will look, never cached.
    response = staff.goto(NEW_COMPARISON)
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]
    banner = staff.locator(".preview-banner")
    assert banner.inner_text().startswith("Preview, not published.")
    assert f"goes live {goes_live:%B} {goes_live.day}, {goes_live.year}" in banner.inner_text()
    assert staff.get_by_role("heading", level=1).inner_text() == "Glute Bridge vs Hip Thrust"
    staff.screenshot(path=f"{SHOTS}-3-staff-preview.png")
    assert reader.goto(NEW_COMPARISON).status == 404  # the preview did not leak into the page cache
    reader.screenshot(path=f"{SHOTS}-4-reader-404.png")

    # 5. Revert the FAQ edit from its history: who changed it is listed, and the earlier version comes back.
    staff.goto(f"/admin/exercises/faq/{faq.pk}/change/")
    staff.get_by_role("link", name="History").click()
    rows = staff.locator("#change-history tbody tr")
    edit = rows.first  # newest first
    assert re.fullmatch(r".+\seditor\sChanged Answer\.", edit.inner_text())
    assert rows.count() >= 2, "no version before the edit to revert to"
    rows.nth(1).get_by_role("link").click()
    staff.get_by_text("Press the save button below to revert to this version").first.wait_for()
    assert staff.locator("textarea#id_answer").input_value() == ORIGINAL_ANSWER
    staff.screenshot(path=f"{SHOTS}-5-revert-form.png", full_page=True)
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.locator(".messagelist .success").wait_for()
    faq.refresh_from_db()
    assert faq.answer == ORIGINAL_ANSWER

    answer = answer_on_article(reader)
    assert answer.inner_text().strip() == ORIGINAL_ANSWER
    assert answer.locator("strong").count() == 0
    answer.scroll_into_view_if_needed()
    reader.screenshot(path=f"{SHOTS}-6-reader-sees-revert.png")

    assert staff_csp == []
    assert reader_csp == []


def add_scheduled_comparison(staff, goes_live: datetime.datetime) -> None:
    staff.goto("/admin/exercises/comparison/add/")
    staff.locator("#id_title").press_sequentially("Glute Bridge vs Hip Thrust")
    assert staff.locator("#id_slug").input_value() == NEW_SLUG  # prepopulated from the title
    staff.locator("#id_summary").fill("Two glute builders, side by side: which one for you?")
    choose_exercise(staff, "exercise_a", "Glute Br", "Glute Bridge")
    choose_exercise(staff, "exercise_b", "Hip Thr", "Hip Thrust")
    staff.locator("#id_published_at_0").fill(goes_live.strftime("%Y-%m-%d"))
    staff.locator("#id_published_at_1").fill(goes_live.strftime("%H:%M:%S"))
    add_section(staff, SectionKind.PROSE, body="Both lifts build **glutes**; here is how they differ.")
    add_section(staff, SectionKind.PROSE, heading="Final Thoughts", body="Both earn a place in a glute programme.")
    add_section(staff, SectionKind.CALL_TO_ACTION, body="A coach will check your form.")
    staff.screenshot(path=f"{SHOTS}-add-comparison.png", full_page=True)
    # A future date turns "Publish" into "Schedule".
    staff.get_by_role("button", name="Schedule", exact=True).click()
    staff.locator(".messagelist .success").wait_for()


def add_section(staff, kind: str, **fields: str) -> None:
    """Add a section at the end of the article's list, with the inline's own "Add another" link."""
    rows = staff.locator("#sections-group .inline-related:not(.empty-form)")
    index = rows.count()
    staff.locator("#sections-group .add-row a").click()
    staff.locator(f"#id_sections-{index}-kind").select_option(kind)
    for name, value in fields.items():
        field = staff.locator(f"#id_sections-{index}-{name}")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def choose_exercise(staff, field: str, typed: str, name: str) -> None:
    """Pick an exercise in a select2 autocomplete with the keyboard: type, arrow down to it, Enter."""
    staff.locator(f"#id_{field} + .select2 .select2-selection").click()
    search = staff.locator(".select2-container--open .select2-search__field")
    with staff.expect_response(
        lambda r: "/autocomplete/" in r.url and parse_qs(urlsplit(r.url).query).get("term") == [typed]
    ) as answer:
        search.press_sequentially(typed)
    found = [result["text"] for result in answer.value.json()["results"]]
    assert name in found
    # The search also reads the exercises' prose, so other exercises may match too.
    expect(staff.locator(".select2-container--open .select2-results__option")).to_have_text(found)
    highlighted = staff.locator(".select2-container--open .select2-results__option--highlighted")
    for _ in found:
        if highlighted.inner_text() == name:
            break
        search.press("ArrowDown")
    search.press("Enter")
    expect(staff.locator(f"#select2-id_{field}-container")).to_have_text(re.compile(f"{name}$"))


def assert_reader_cannot_find_it(reader) -> None:
    """Not on the home page, the sitemap, the exercise page, and no link from the article."""
    new_link = f'a[href$="{NEW_COMPARISON}"]'
    reader.goto("/")
    assert reader.get_by_text("Leg Press vs Hip Thrust").count() >= 1
    assert reader.get_by_text("Glute Bridge vs Hip Thrust").count() == 0
    assert reader.locator(new_link).count() == 0

    # Fetched rather than opened: Chromium's XML viewer styles itself inline, which the CSP rightly blocks.
    sitemap = reader.request.get("/sitemap.xml").text()
    assert "leg-press-vs-hip-thrust" in sitemap
    assert NEW_SLUG not in sitemap

    assert reader.goto("/exercises/glute-bridge/").status == 200
    assert reader.locator(new_link).count() == 0

    reader.goto(ARTICLE)
    line = reader.locator("p.related", has_text="Glute Bridge vs. Hip Thrust")
    assert line.count() == 1
    assert line.locator("a").count() == 0
