"""A new comparison written as staff would, in a real browser: title first, the check, then readers."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises.articles.models import Comparison, SectionKind
from exercises.library.models import ExerciseMuscle, ExercisePoint, Muscle, PointKind
from exercises.writing.models import Status
from tests.conftest import make_exercise
from tests.test_browser_staff_journey import add_section, choose_exercise, watch_csp

pytestmark = pytest.mark.browser

SHOTS = "/tmp/new-article"
TITLE = "Glute Bridge vs Hip Thrust"
INTRO = "Two glute builders, and which one suits you."


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_initial_data", stdout=io.StringIO())
    bridge = make_exercise("Glute Bridge", status=Status.DRAFT, published_at=None, equipment="A mat")
    ExerciseMuscle.objects.create(exercise=bridge, muscle=Muscle.objects.get(name="Glutes"), emphasis=5, note="Lift.")
    ExercisePoint.objects.create(exercise=bridge, kind=PointKind.CHOOSE_IF, body="You train at home.")
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    return live_server.url


def test_staff_write_a_new_comparison_from_a_title_to_a_public_page_with_no_empty_heading(browser, site):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    csp = watch_csp(staff)
    staff.goto("/admin/")
    staff.get_by_label("Username").fill("editor")
    staff.get_by_label("Password").fill("a-long-test-password")
    staff.get_by_role("button", name="Log in").click()

    # 1. A title alone saves a draft.
    staff.goto("/admin/exercises/comparison/add/")
    staff.locator("#id_title").press_sequentially(TITLE)
    staff.get_by_role("button", name="Save draft").click()
    staff.locator(".messagelist .success").wait_for()
    assert Comparison.objects.get(title=TITLE).status == Status.DRAFT

    # 2. Asked to publish half-written, the check lists everything still missing, in one message.
    choose_exercise(staff, "exercise_a", "Glute Br", "Glute Bridge")
    choose_exercise(staff, "exercise_b", "Hip Thr", "Hip Thrust")
    add_section(staff, SectionKind.PROSE, body=INTRO)
    add_section(staff, SectionKind.AT_A_GLANCE)
    add_section(staff, SectionKind.EXERCISE_OVERVIEW, side="a")
    add_section(staff, SectionKind.CRITERIA)
    add_section(staff, SectionKind.WHO_SHOULD_CHOOSE, body="Bridge at home, thrust at the gym.")
    add_section(staff, SectionKind.MYTHS)
    add_section(staff, SectionKind.CALL_TO_ACTION, body="A coach will check your form.")
    staff.get_by_role("button", name="Publish", exact=True).click()
    message = staff.locator(".errorlist.nonfield")
    message.wait_for()
    staff.screenshot(path=f"{SHOTS}-1-publish-check.png", full_page=True)
    listed = message.locator("li li").all_inner_texts()
    assert "Write the summary: the home page card and search results show it." in listed
    assert "The exercise “Glute Bridge” is still a draft: publish the exercise first." in listed
    assert any("“Criteria table” is empty: add at least one criterion" in item for item in listed)
    assert any("“Myths” is empty: add at least one myth" in item for item in listed)
    assert staff.locator("#id_sections-0-body").input_value() == INTRO  # nothing typed is lost
    assert Comparison.objects.get(title=TITLE).status == Status.DRAFT

    # 3. Complete it: a summary, a criterion, no empty myths section, and the exercise published.
    staff.locator("#id_summary").fill("Two glute builders, side by side.")
    staff.locator("#criteria-group summary").click()  # the group is folded until it has errors
    staff.locator("#criteria-group .add-row a").click()
    staff.locator("#id_criteria-0-name").fill("Equipment")
    staff.locator("#id_criteria-0-exercise_a_text").fill("A mat")
    staff.locator("#id_criteria-0-exercise_b_text").fill("A bench and a barbell")
    staff.locator("#sections-5 .inline-deletelink").click()  # not saved yet: the row just goes
    other = context.new_page()
    other.goto("/admin/exercises/exercise/?q=Glute")
    other.get_by_role("link", name="Glute Bridge").click()
    other.get_by_role("button", name="Publish", exact=True).click()
    other.locator(".messagelist .success").wait_for()
    staff.get_by_role("button", name="Publish", exact=True).click()
    staff.locator(".messagelist .success").wait_for()
    staff.screenshot(path=f"{SHOTS}-2-published.png", full_page=True)
    assert Comparison.objects.get(title=TITLE).is_live

    # 4. Readers see it, and every heading has something under it.
    reading = browser.new_context(base_url=site, viewport={"width": 390, "height": 844})
    reader = reading.new_page()
    assert reader.goto("/compare/glute-bridge-vs-hip-thrust/").status == 200
    reader.screenshot(path=f"{SHOTS}-3-reader.png", full_page=True)
    empty = reader.evaluate(
        """() => [...document.querySelectorAll('.article__body h2, .article__body h3')].filter(h => {
            const next = h.nextElementSibling;
            return !next || /^H[23]$/.test(next.tagName) && h.tagName >= next.tagName || !next.textContent.trim();
        }).map(h => h.textContent.trim())"""
    )
    assert empty == []
    toc = reader.locator(".toc a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert toc and all(reader.locator(anchor).count() == 1 for anchor in toc)
    for text in [INTRO, "You train at home.", "A bench and a barbell", "Bridge at home, thrust at the gym."]:
        assert reader.get_by_text(text).count() >= 1, text
    assert reader.get_by_text("Busting Myths").count() == 0
    assert csp == []
    reading.close()
    context.close()
