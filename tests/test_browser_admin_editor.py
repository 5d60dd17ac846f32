"""The article editor as staff use it, in a real browser: reorder by drag and drop and by keyboard,
Save draft / Publish, no sideways scrolling on a phone or a desktop, and nothing axe objects to."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises.articles.models import Comparison, ShowdownFactor
from exercises.library.models import Exercise
from exercises.writing.models import Status
from tests.test_browser_staff_journey import watch_csp

pytestmark = pytest.mark.browser

SHOTS = "/tmp/admin-editor"
WIDTHS = {"390px": {"width": 390, "height": 844}, "1280px": {"width": 1280, "height": 900}}


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_initial_data", stdout=io.StringIO())
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    return live_server.url


def log_in(browser, site, viewport):
    context = browser.new_context(base_url=site, viewport=viewport)
    staff = context.new_page()
    staff.goto("/admin/")
    staff.get_by_label("Username").fill("editor")
    staff.get_by_label("Password").fill("a-long-test-password")
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_role("heading", name="Your desk").wait_for()
    return staff


def factor_titles(comparison) -> list[str]:
    return list(ShowdownFactor.objects.filter(comparison=comparison).values_list("title", flat=True))


def factor_headings(staff) -> list[str]:
    labels = staff.locator("#factors-group .inline-related.has_original h3 .inline_label").all_inner_texts()
    return [label.strip() for label in labels]


def test_staff_reorder_factors_by_keyboard_and_by_drag_and_drop(browser, site):
    comparison = Comparison.objects.get()
    first, second, third = factor_titles(comparison)[:3]
    staff = log_in(browser, site, WIDTHS["1280px"])
    csp = watch_csp(staff)
    staff.goto(f"/admin/exercises/comparison/{comparison.pk}/change/")

    # By keyboard: Tab to the first factor's "Move down" and press Enter; focus stays on the moved row.
    move_down = staff.locator("#factors-group .inline-related.has_original").first.get_by_role(
        "button", name="Move down"
    )
    move_down.focus()
    staff.keyboard.press("Enter")
    assert factor_headings(staff)[:2] == [second, first]
    assert staff.evaluate("document.activeElement.textContent") == "Move down"
    assert "moved to place 2" in staff.locator("#factors-group .reorder-status").inner_text()

    # By drag and drop: the third factor's heading is the handle; drop it on the second row's.
    rows = staff.locator("#factors-group .inline-related.has_original")
    rows.nth(1).locator("h3").evaluate("element => element.scrollIntoView()")
    handle, target = rows.nth(2).locator("h3").bounding_box(), rows.nth(1).locator("h3").bounding_box()
    staff.mouse.move(handle["x"] + 20, handle["y"] + handle["height"] / 2)
    staff.mouse.down()
    staff.mouse.move(target["x"] + 20, target["y"] + 2, steps=20)
    staff.mouse.up()
    assert factor_headings(staff)[:3] == [second, third, first]
    staff.screenshot(path=f"{SHOTS}-reordered.png")

    staff.get_by_role("button", name="Save, keep published").click()
    staff.locator(".messagelist .success").wait_for()
    assert factor_titles(comparison)[:3] == [second, third, first]
    assert factor_headings(staff)[:3] == [second, third, first]  # back on the same page, in the new order
    assert csp == []


def test_save_draft_then_publish_with_the_buttons(browser, site):
    comparison = Comparison.objects.get()
    staff = log_in(browser, site, WIDTHS["1280px"])
    staff.goto(f"/admin/exercises/comparison/{comparison.pk}/change/")

    staff.get_by_role("button", name="Unpublish: save as draft").click()
    staff.get_by_text("is saved as a draft; readers cannot see it.").wait_for()
    comparison.refresh_from_db()
    assert comparison.status == Status.DRAFT

    # A draft offers Publish; a date in the future turns it into Schedule.
    staff.locator("#id_published_at_0").fill("2099-01-01")
    assert staff.get_by_role("button", name="Schedule", exact=True).is_visible()
    staff.locator("#id_published_at_0").fill("2020-01-01")
    staff.get_by_role("button", name="Publish", exact=True).click()
    staff.get_by_text("is published: readers see it now.").wait_for()
    comparison.refresh_from_db()
    assert comparison.is_live


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("model", ["comparison", "exercise"])
def test_article_change_pages_fit_the_screen_and_pass_axe(browser, site, model, width):
    item = Comparison.objects.get() if model == "comparison" else Exercise.objects.get(slug="hip-thrust")
    staff = log_in(browser, site, WIDTHS[width])
    staff.goto(f"/admin/exercises/{model}/{item.pk}/change/")
    staff.locator(".publish-row").wait_for()

    overflow = staff.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    staff.screenshot(path=f"{SHOTS}-{model}-{width}.png")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    # The save buttons stay on screen while staff scroll through a long article.
    staff.mouse.wheel(0, 4000)
    assert staff.locator(".publish-row").first.is_visible()
    assert staff.locator(".publish-row button.default").bounding_box()["y"] < WIDTHS[width]["height"]

    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()


def test_a_section_shows_only_the_fields_its_kind_uses(browser, site):
    comparison = Comparison.objects.get()
    staff = log_in(browser, site, WIDTHS["1280px"])
    staff.goto(f"/admin/exercises/comparison/{comparison.pk}/change/")
    staff.locator("#sections-group .add-row a").click()
    new = staff.locator("#sections-group .inline-related.dynamic-sections").last
    kind = new.locator("select[name$='-kind']")

    kind.select_option("exercise_overview")
    assert new.locator(".field-side").is_visible() and not new.locator(".field-caption").is_visible()
    kind.select_option("at_a_glance")
    assert not new.locator(".field-body").is_visible() and not new.locator(".field-side").is_visible()
    kind.select_option("criteria")
    assert new.locator(".field-caption").is_visible() and new.locator(".field-body").is_visible()
