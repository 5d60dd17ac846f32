"""The photo library as staff use it, in a real browser: upload a photo from the file box, see it on the
exercise, and the library's pages fit a phone and a desktop with nothing axe objects to."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from exercises.library.models import Exercise
from exercises.photos.models import ExercisePhoto, Photo
from tests.conftest import make_photo, picture_bytes
from tests.test_browser_admin_editor import WIDTHS, log_in, site  # noqa: F401 - the fixture
from tests.test_browser_staff_journey import watch_csp

pytestmark = pytest.mark.browser
SHOTS = "/tmp/admin-photos"


def test_staff_upload_a_photo_and_put_it_on_an_exercise(browser, site, tmp_path):  # noqa: F811
    picture = tmp_path / "Hip thrust start.jpg"
    picture.write_bytes(picture_bytes())
    staff = log_in(browser, site, WIDTHS["1280px"])
    csp = watch_csp(staff)

    staff.goto("/admin/exercises/photo/add/")
    staff.get_by_label("Picture file").set_input_files(picture)
    staff.get_by_label("Description").fill("Back on the bench, bar over the hips")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.locator(".messagelist .success").wait_for()
    photo = Photo.objects.get()
    assert photo.key == "hip-thrust-start" and photo.renditions.count() == 8

    exercise = Exercise.objects.get(slug="hip-thrust")
    staff.goto(f"/admin/exercises/exercise/{exercise.pk}/change/")
    staff.locator("#photos-group .add-row a").click()
    row = staff.locator("#photos-group tr.dynamic-photos").last
    row.locator(".select2-selection").click()
    staff.locator(".select2-search__field").fill("bench")
    staff.locator(".select2-results__option", has_text="Back on the bench").click()
    row.locator("input[name$='-label']").fill("Start position")
    staff.get_by_role("button", name="Save, keep published").click()
    staff.locator(".messagelist .success").wait_for()

    assert ExercisePhoto.objects.get(exercise=exercise).label == "Start position"
    staff.goto(exercise.get_absolute_url())
    image = staff.get_by_role("img", name="Back on the bench, bar over the hips")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert csp == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", ["changelist", "change", "delete"])
def test_the_photo_pages_fit_the_screen_and_pass_axe(browser, site, page, width):  # noqa: F811
    photo = make_photo("bench", alt_text="The bench at shoulder height")
    ExercisePhoto.objects.create(exercise=Exercise.objects.get(slug="hip-thrust"), photo=photo, label="Start")
    staff = log_in(browser, site, WIDTHS[width])
    path = "/admin/exercises/photo/" + ("" if page == "changelist" else f"{photo.pk}/{page}/")

    staff.goto(path)

    overflow = staff.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    staff.screenshot(path=f"{SHOTS}-{page}-{width}.png", full_page=True)
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    if page == "delete":
        assert "Cannot delete photo" in staff.content()
    results = Axe().run(staff)
    assert results.violations_count == 0, results.generate_report()
