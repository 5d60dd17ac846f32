"""The answer first: on a 390×844 phone the at-a-glance box starts within the first screen, for the shipped article
and for one made here (a long introduction, the box placed late); the table of contents is folded on the phone and
open in the sidebar at 1280 px. axe finds nothing, light and dark. Screenshots go to /tmp/shots/."""

import datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from exercises.articles.models import Comparison, SectionKind
from exercises.articles.sections import LEDE_WORDS, lede_words, split_lede
from exercises.gym.models import Coach
from exercises.pagecache import mark_stale
from tests.conftest import make_comparison, make_exercise, make_test_coach

pytestmark = [pytest.mark.browser]

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
SHIPPED = "/compare/leg-press-vs-hip-thrust/"
LONG_PARAGRAPH = " ".join(["This opening paragraph runs on for a while before it gets to the point."] * 8)


def made_in_the_test() -> str:
    """A new article whose introduction opens with a long paragraph and whose box comes after two text sections."""
    comparison = make_comparison(
        make_exercise("Romanian Deadlift", equipment="Barbell, or a pair of dumbbells"),
        make_exercise("Good Morning", equipment="Barbell on the upper back"),
        title="Romanian Deadlift vs Good Morning: Which Hinge Builds Your Hamstrings Best?",
        intro="\n\n".join([LONG_PARAGRAPH, LONG_PARAGRAPH, LONG_PARAGRAPH]),
        sections=[
            (SectionKind.PROSE, {"heading": "Why hinge at all", "body": LONG_PARAGRAPH}),
            (SectionKind.PROSE, {"heading": "A little history", "body": LONG_PARAGRAPH}),
            (SectionKind.AT_A_GLANCE, {}),
            (SectionKind.PROSE, {"heading": "Final Thoughts", "body": "Both are good."}),
            (SectionKind.CALL_TO_ACTION, {"body": "Come and train with us."}),
        ],
    )
    return comparison.get_absolute_url()


def the_longest_allowed() -> str:
    """The worst case the rule must hold for: a 120-character title (the most allowed) and the longest lede it takes,
    under a reviewed byline with credentials."""
    title = ("Leg Extension vs Bulgarian Split Squat vs Everything Else: " * 3)[:120]
    words = lede_words(title)
    lede = " ".join((["Strength"] * words)[:-1] + ["matters?"])
    assert len(lede.split()) == words
    comparison = make_comparison(
        make_exercise("Leg Extension"),
        make_exercise("Bulgarian Split Squat"),
        title=title,
        intro="\n\n".join([lede, LONG_PARAGRAPH]),
        sections=[(SectionKind.PROSE, {"heading": "Why", "body": LONG_PARAGRAPH}), (SectionKind.AT_A_GLANCE, {})],
    )
    author, reviewer = make_test_coach(), Coach.objects.create(name="Sam Ortiz", slug="sam-ortiz", is_published=True)
    reviewer.credentials.create(name="CSCS", issued_by="NSCA")
    Comparison.objects.filter(pk=comparison.pk).update(
        author=author, reviewer=reviewer, reviewed_on=datetime.date(2026, 11, 30)
    )
    mark_stale()  # update() tells no cache; pages warmed after the coach was saved must go
    return comparison.get_absolute_url()


@pytest.fixture
def site(transactional_db, live_server, content):
    return live_server.url


def open_page(browser, viewport: dict, scheme: str):
    phone = viewport["width"] < 500
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, color_scheme=scheme)
    return context, context.new_page()


def test_a_longer_title_leaves_room_for_a_shorter_lede():
    assert lede_words("Leg Press vs Hip Thrust") == LEDE_WORDS
    assert lede_words("x" * 120) == LEDE_WORDS - 53
    paragraph = "<p>" + "word " * 30 + "</p>"
    assert split_lede(paragraph, title="Short")[0] == paragraph
    assert split_lede(paragraph, title="x" * 120) == ("", paragraph)


def test_a_short_first_paragraph_is_the_lede_and_a_long_one_is_not():
    assert split_lede("<p>Short answer here.</p>\n<p>More.</p>") == ("<p>Short answer here.</p>", "<p>More.</p>")
    long = "<p>" + "word " * (LEDE_WORDS + 1) + "</p>"
    assert split_lede(long + "<p>More.</p>") == ("", long + "<p>More.</p>")
    assert split_lede("<ul><li>A list first.</li></ul>") == ("", "<ul><li>A list first.</li></ul>")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["shipped", "made-in-the-test", "longest-allowed"])
def test_on_a_phone_the_box_starts_on_the_first_screen_and_the_contents_are_folded(site, browser, which, scheme):
    path = {"shipped": lambda: SHIPPED, "made-in-the-test": made_in_the_test, "longest-allowed": the_longest_allowed}
    path = path[which]()
    context, page = open_page(browser, PHONE, scheme)
    try:
        page.goto(site + path)
        page.wait_for_load_state("load")

        box = page.locator("section.glance")
        top = box.evaluate("element => element.getBoundingClientRect().top + window.scrollY")
        assert top <= PHONE["height"], f"the at-a-glance box starts at {top}px"
        assert box.locator("h2").is_visible() and box.locator("h2").bounding_box()["y"] < PHONE["height"]
        fold = page.locator("details.toc__fold")
        assert not fold.evaluate("element => element.open")
        assert not page.locator(".toc ol").is_visible()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"answer-first-{which}-390-{scheme}.png"))

        page.locator("summary.toc__title").click()  # a tap opens it
        assert page.locator(".toc ol").is_visible()
        page.locator(".toc ol a").first.click()
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_wide_screen_the_contents_stay_open_in_the_sidebar(site, browser, scheme):
    context, page = open_page(browser, WIDE, scheme)
    try:
        page.goto(site + SHIPPED)
        page.wait_for_load_state("load")

        links = page.locator(".toc ol a")
        assert links.first.is_visible() and links.nth(links.count() - 1).is_visible()
        assert links.first.inner_text() == "At a Glance"
        toc, body = page.locator(".toc").bounding_box(), page.locator(".article__body").bounding_box()
        assert toc["x"] + toc["width"] <= body["x"]  # beside the article, not above it
        top = page.locator("section.glance").evaluate("element => element.getBoundingClientRect().top")
        assert top <= WIDE["height"]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"answer-first-shipped-1280-{scheme}.png"))

        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
