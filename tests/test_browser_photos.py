"""Exercise photos as a reader sees them, in Debian's Chromium at 390 px and 1280 px, light and dark.

The Hip Thrust gets two library photos ("Start position", "End position"). On its page both load as
AVIF, hold their place while they load (no layout shift), the first eagerly and the second lazily,
with nothing axe objects to and no sideways scrolling; the comparison's overview of the exercise
shows both. Each photo's `sizes` names the width it is drawn at, so the browser fetches the right file
(the comparison's lead photo too). Screenshots go to /tmp/shots/photos-<page>-<width>-<scheme>.png
for a person to look at.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from exercises.articles.models import Comparison
from exercises.library.models import Exercise
from exercises.photos.models import ExercisePhoto
from tests.conftest import PUBLIC_PAGES, make_photo
from tests.test_browser_dark import open_page
from tests.test_browser_pages import WIDTHS
from tests.test_browser_staff_journey import watch_csp

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots"
SCHEMES = ["light", "dark"]
LABELS = ["Start position", "End position"]
# The page's layout shifts from its first paint; an <img> without its size adds one as it loads. Every
# shift counts: the test gives no input, and Chromium's phone emulation marks each one "after input".
LAYOUT_SHIFTS = """
window.layoutShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.layoutShifts.push(entry.value);
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture
def site(transactional_db, live_server, content):
    """The shipped article, with the start and the end of the hip thrust photographed."""
    exercise = Exercise.objects.get(slug="hip-thrust")
    start = make_photo("hip-thrust-start", alt_text="Shoulders on the bench, hips low", caption="Feet flat.")
    end = make_photo("hip-thrust-end", alt_text="Hips up, body level from knees to shoulders", credit="Test Coach")
    ExercisePhoto.objects.create(exercise=exercise, photo=start, label=LABELS[0], position=1)
    ExercisePhoto.objects.create(exercise=exercise, photo=end, label=LABELS[1], position=2)
    return live_server.url


@pytest.fixture(params=[(width, scheme) for width in WIDTHS for scheme in SCHEMES], ids="-".join)
def look(request):
    """A screen width and a colour scheme."""
    return request.param


@pytest.fixture
def screen(look, browser):
    width, scheme = look
    context, page = open_page(browser, width=width, scheme=scheme)
    page.add_init_script(LAYOUT_SHIFTS)
    yield page
    context.close()


def shot(look, name: str) -> str:
    width, scheme = look
    os.makedirs(SHOTS, exist_ok=True)
    return f"{SHOTS}/photos-{name}-{width.removesuffix('px')}-{scheme}.png"


class HeldPhotos:
    """Keeps the photos' files from arriving until let go, so a page can be measured without them."""

    def __init__(self, page):
        self.held, self.holding = [], True
        page.route("**/media/photos/**", self.arrive)

    def arrive(self, route) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def let_go(self) -> None:
        self.holding = False
        for route in self.held:
            route.continue_()


def load_every_photo(images) -> None:
    """Scroll each into view (the lazy one loads only near it) and wait until it has been decoded."""
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.evaluate("image => image.decode()")


def assert_fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def assert_loaded_as_avif(images) -> None:
    for index in range(images.count()):
        image = images.nth(index).evaluate("image => ({width: image.naturalWidth, src: image.currentSrc})")
        assert image["width"] > 0, image
        assert image["src"].endswith(".avif"), image


def assert_sized_for_the_column(page, images) -> None:
    """Each photo fills its figure, fits the screen, and is big enough to see what it shows."""
    viewport = page.viewport_size["width"]
    for index in range(images.count()):
        box = images.nth(index).bounding_box()
        figure = images.nth(index).locator("xpath=ancestor::figure").bounding_box()
        assert abs(box["width"] - figure["width"]) < 1, (box, figure)
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, box
        assert box["width"] >= 250, box
        # The browser picks a file by `sizes`, before layout: a guess far below the drawn width sends a
        # blurry file, far above it a needlessly large one.
        guessed = images.nth(index).evaluate(SIZES_GUESS)
        assert guessed == pytest.approx(box["width"], rel=0.05), (guessed, box["width"])


# The width the first `sizes` entry whose media condition matches stands for, in CSS pixels.
SIZES_GUESS = """
image => {
  for (const entry of image.sizes.split(",")) {
    const match = entry.trim().match(/^(\\(.*\\))\\s+(.+)$/);
    if (match && !window.matchMedia(match[1]).matches) continue;
    const probe = document.createElement("div");
    probe.style.width = match ? match[2] : entry.trim();
    document.body.append(probe);
    const width = probe.getBoundingClientRect().width;
    probe.remove();
    return width;
  }
}
"""


def assert_no_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_exercise_page_shows_both_photos_loaded_in_place(site, screen, look):
    csp = watch_csp(screen)
    photos = HeldPhotos(screen)
    screen.goto(site + PUBLIC_PAGES["exercise-hip-thrust"], wait_until="domcontentloaded")
    images = screen.locator(".photos img")
    assert images.count() == 2

    # Before a byte of either photo has come, each holds a box of the photo's own shape.
    for index in range(2):
        image = images.nth(index)
        width, height = image.get_attribute("width"), image.get_attribute("height")
        assert width and height, "an <img> without width and height moves the page when it loads"
        box = image.evaluate("image => ({loaded: image.naturalWidth, width: image.width, height: image.height})")
        assert box["loaded"] == 0
        assert box["height"] > 0 and box["width"] / box["height"] == pytest.approx(int(width) / int(height), rel=0.01)
    assert photos.held  # the browser asked for the first at least
    photos.let_go()

    # The first opens the page, so it is not lazy and comes first; the second waits until it is near.
    first, second = images.nth(0), images.nth(1)
    assert first.get_attribute("loading") is None and first.get_attribute("fetchpriority") == "high"
    assert second.get_attribute("loading") == "lazy" and second.get_attribute("fetchpriority") is None

    load_every_photo(images)
    screen.wait_for_load_state("load")
    assert_loaded_as_avif(images)
    assert screen.evaluate("layoutShifts") == []
    for label in LABELS:
        assert screen.locator(".photos figcaption").filter(has_text=label).is_visible()
    assert_sized_for_the_column(screen, images)
    assert_fits_the_screen(screen)
    assert csp == []  # checked before the screenshot and axe, which inject styles of their own

    screen.evaluate("window.scrollTo(0, 0)")
    bottom = screen.locator(".photos").evaluate("photos => photos.getBoundingClientRect().bottom + scrollY")
    width = screen.viewport_size["width"]
    clip = {"x": 0, "y": 0, "width": width, "height": bottom + 48}  # the page down to the photos' captions
    screen.screenshot(path=shot(look, "exercise"), full_page=True, clip=clip)
    assert_no_violations(screen)


def test_the_comparison_shows_both_photos_in_the_exercise_overview(site, screen, look):
    csp = watch_csp(screen)
    screen.goto(site + PUBLIC_PAGES["comparison"])
    overview = screen.locator("section.section").filter(
        has=screen.get_by_role("heading", name="What Is the Hip Thrust?", level=2)
    )
    images = overview.locator("img")
    assert images.count() == 2

    load_every_photo(images)
    assert_loaded_as_avif(images)
    assert overview.locator("img[loading=lazy]").count() == 2  # the article's text comes first
    assert [overview.locator("figcaption strong").nth(i).inner_text() for i in range(2)] == LABELS
    assert_sized_for_the_column(screen, images)
    assert_fits_the_screen(screen)
    assert csp == []

    overview.screenshot(path=shot(look, "comparison"))
    assert_no_violations(screen)


def test_the_comparison_lead_photo_is_fetched_at_the_width_it_is_drawn(site, screen, look):
    comparison = Comparison.objects.get(slug="leg-press-vs-hip-thrust")
    comparison.lead_photo = make_photo("leg-press-lead", alt_text="A leg press and a hip thrust bench")
    comparison.save()
    screen.goto(site + PUBLIC_PAGES["comparison"])
    lead = screen.locator(".article__intro figure img")
    assert lead.get_attribute("loading") == "lazy"  # after the answer (#25): the first screen holds the box instead
    load_every_photo(lead)
    assert_sized_for_the_column(screen, lead)
    assert_fits_the_screen(screen)
    screen.locator(".article__intro").screenshot(path=shot(look, "lead"))
