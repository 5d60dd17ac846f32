"""The article in a real browser (Debian's Chromium through Playwright): phone and desktop."""

import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
EXERCISE = "/exercises/hip-thrust/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENS = [pytest.param(PHONE, id="390px"), pytest.param(DESKTOP, id="1280px")]


@pytest.fixture
def site(transactional_db, live_server):
    """The live server with the shipped article loaded, as a deployment loads it."""
    call_command("load_initial_data", stdout=io.StringIO())
    return live_server.url


@pytest.fixture(params=SCREENS)
def screen(request, browser):
    viewport = request.param
    context = browser.new_context(
        viewport=viewport, is_mobile=viewport["width"] < 500, has_touch=viewport["width"] < 500
    )
    page = context.new_page()
    yield page
    context.close()


def assert_no_sideways_scrolling(page):
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]}px wide in a {widths[1]}px window"


def test_article_reads_well_on_a_phone_and_a_desktop(site, screen):
    width = screen.viewport_size["width"]
    response = screen.goto(site + ARTICLE)
    assert response.status == 200

    assert_no_sideways_scrolling(screen)
    heading = screen.locator("h1")
    assert heading.is_visible() and heading.inner_text() == "Leg Press vs Hip Thrust"
    table = screen.locator("table").first
    table.scroll_into_view_if_needed()
    assert table.is_visible()
    assert "Primarily targets quads" in table.inner_text()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the criteria table is cut off"
    chart = screen.locator("svg.muscle-chart").first
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    chart_box = chart.bounding_box()
    assert chart_box["width"] > 200 and chart_box["x"] + chart_box["width"] <= width
    screen.evaluate("window.scrollTo(0, 0)")
    screen.screenshot(path=f"/tmp/article-{width}.png", full_page=True)


def test_exercise_page_fits_a_phone_and_a_desktop(site, screen):
    response = screen.goto(site + EXERCISE)
    assert response.status == 200

    assert_no_sideways_scrolling(screen)
    assert screen.locator("h1").is_visible()
    assert screen.locator("svg.muscle-chart").is_visible()
    screen.screenshot(path=f"/tmp/exercise-{screen.viewport_size['width']}.png", full_page=True)


def test_table_of_contents_links_move_to_their_section(site, screen):
    from playwright.sync_api import expect

    screen.goto(site + ARTICLE)
    links = screen.locator("nav.toc a")
    targets = links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert len(targets) >= 8
    if not links.first.is_visible():  # folded on a phone (#25): a tap opens it, and it stays open
        screen.locator("nav.toc summary").click()

    for target in reversed(targets):  # from the bottom up, so every click really has to scroll
        screen.locator(f'nav.toc a[href="{target}"]').click()
        expect(screen).to_have_url(re.compile(re.escape(target) + "$"))
        expect(screen.locator(target)).to_be_in_viewport()


@pytest.mark.parametrize("path", [ARTICLE, EXERCISE, "/"], ids=["article", "exercise", "home"])
def test_axe_finds_no_accessibility_violations(site, screen, path):
    from axe_playwright_python.sync_playwright import Axe

    screen.goto(site + path)
    results = Axe().run(screen)

    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("width", [360, 1440])
def test_no_page_scrolls_sideways_at_the_narrowest_and_widest_sizes(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 400)
    page = context.new_page()
    try:
        for path in ("/", ARTICLE, EXERCISE, "/no-such-page/"):
            page.goto(site + path)
            assert page.locator("h1").is_visible(), path
            assert_no_sideways_scrolling(page)
    finally:
        context.close()


def test_keyboard_users_can_skip_to_the_content_and_see_where_focus_is(site, page):
    page.goto(site + ARTICLE)

    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0, "the skip link stays off screen when focused"

    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused link has no visible focus style"


def test_the_article_prints_without_navigation(site, page):
    page.goto(site + ARTICLE)
    page.emulate_media(media="print")

    for selector in (".site-header", ".site-footer", "nav.toc", ".cta form"):
        assert not page.locator(selector).is_visible(), f"{selector} is printed"
    assert page.locator("h1").is_visible()
    assert page.locator("table").first.is_visible()
    assert page.locator("svg.muscle-chart").is_visible()


def test_footnote_markers_and_their_ways_back_are_big_enough_to_tap(site, screen):
    screen.goto(site + ARTICLE)
    targets = screen.locator(".cite a, .backlinks a")
    assert targets.count() >= 6  # three citations, and a way back from each reference

    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (targets.nth(index).inner_text(), box)

    screen.locator(".backlinks a").first.click()
    assert screen.evaluate("location.hash").startswith("#cite-")


def test_the_header_buttons_words_sit_in_its_middle(site, screen):
    screen.goto(site + ARTICLE)
    button = screen.locator(".site-header .button")
    box = button.bounding_box()
    words = button.evaluate(
        "b => { const r = document.createRange(); r.selectNodeContents(b); const t = r.getBoundingClientRect();"
        " return {top: t.top, bottom: t.bottom}; }"
    )

    above, below = words["top"] - box["y"], box["y"] + box["height"] - words["bottom"]
    assert abs(above - below) <= 2, (above, below)
