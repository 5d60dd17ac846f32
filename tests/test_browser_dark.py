"""Dark mode: every public page, in a browser that prefers a dark scheme, passes axe at 390 px and 1280 px.

The light scheme's axe run is tests/test_browser_pages.py; this file adds the dark one, the error
pages a browser cannot reach on purpose (400, 403, 500) in both schemes, and a check that the dark
palette really is applied rather than axe passing a page that looks the same.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests.test_browser_pages import PAGES, WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# Status and template of each error page no link leads to; the live server's stylesheet styles them.
ERROR_PAGES = {"bad-request": (400, "400.html"), "forbidden": (403, "403.html"), "server-error": (500, "500.html")}


@pytest.fixture
def site(live_server, settings):
    """The live server with the shipped content, and a form that takes many requests from one address."""
    call_command("load_initial_data", stdout=io.StringIO())
    settings.CONSULTATION_RATE_LIMIT = 100
    return live_server.url


def open_page(browser, *, width: str, scheme: str):
    viewport = WIDTHS[width]
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, color_scheme=scheme)
    return context, context.new_page()


@pytest.fixture(params=list(WIDTHS))
def dark_screen(request, browser):
    context, page = open_page(browser, width=request.param, scheme="dark")
    yield page
    context.close()


def assert_no_violations(page):
    page.wait_for_load_state("load")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violations_in_dark_mode(site, dark_screen, name):
    target = PAGES[name]
    if callable(target):
        target(dark_screen, site)
    else:
        response = dark_screen.goto(site + target)
        assert response.status == (404 if name == "not-found" else 200)

    assert dark_screen.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    assert_no_violations(dark_screen)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(ERROR_PAGES))
def test_axe_finds_no_violations_on_the_error_pages(site, browser, name, scheme):
    status, template = ERROR_PAGES[name]
    request = RequestFactory().get("/some-page/")
    body = render_to_string(template, request=None if status == 500 else request)
    url = f"{site}/error-{status}/"
    for width in WIDTHS:
        context, page = open_page(browser, width=width, scheme=scheme)
        try:
            # Served as the server serves it, from the live server's origin, so its stylesheet loads.
            page.route(url, lambda route: route.fulfill(status=status, body=body, content_type="text/html"))
            assert page.goto(url).status == status
            assert_no_violations(page)
        finally:
            context.close()


def computed(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"element => getComputedStyle(element).{prop}")


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two computed colours, "rgb(r, g, b)"."""

    def luminance(colour: str) -> float:
        channels = [int(part) / 255 for part in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_dark_mode_restyles_the_page_and_the_chart(site, browser):
    styles = {}
    for scheme in ("light", "dark"):
        context, page = open_page(browser, width="1280px", scheme=scheme)
        try:
            page.goto(site + PAGES["comparison"])
            styles[scheme] = {
                "page": computed(page, "body", "backgroundColor"),
                "text": computed(page, "body", "color"),
                "bar": computed(page, "svg.muscle-chart .bar-0", "fill"),
                "button": computed(page, ".button", "backgroundColor"),
                "field": computed(page, ".field input[type=text]", "backgroundColor"),
            }
            # axe leaves SVG text alone, so the chart's numbers and dashes on their track are checked here.
            track = computed(page, "svg.muscle-chart .bar-track", "fill")
            for text in ("chart-label", "chart-value", "chart-value--none"):
                colour = computed(page, f"svg.muscle-chart .{text}", "fill")
                assert contrast(colour, track) >= 4.5, (scheme, text)
                assert contrast(colour, styles[scheme]["page"]) >= 4.5, (scheme, text)
        finally:
            context.close()

    assert styles["light"]["page"] == "rgb(255, 255, 255)"
    for part, light in styles["light"].items():
        assert styles["dark"][part] != light, part
