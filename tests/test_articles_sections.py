"""A comparison is its sections: readers see them in order, never empty, and never a draft's words."""

import json
import re

import pytest

from exercises.articles.models import FAQ, Criterion, Myth, Section, SectionKind
from exercises.library.models import ExerciseMuscle, ExercisePoint, Muscle, PointKind, ProgrammingScheme
from exercises.pagecache import mark_stale
from exercises.writing.models import Status
from tests.conftest import make_comparison, make_exercise

pytestmark = pytest.mark.django_db

K = SectionKind


def page_of(client, comparison) -> str:
    mark_stale()
    response = client.get(comparison.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def headings(page: str) -> list[str]:
    body = page.split('class="article__body"', 1)[1]
    return [re.sub(r"<[^>]+>", "", text).strip() for text in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", body, re.S)]


def toc(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="toc".*?</nav>', page, re.S)
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav.group(0)) if nav else []


def h2_anchors(page: str) -> list[tuple[str, str]]:
    body = page.split('class="article__body"', 1)[1]
    return re.findall(r'<h2 id="([^"]+)">([^<]+)</h2>', body)


@pytest.fixture
def pair():
    squat, bridge = make_exercise("Squat"), make_exercise("Glute Bridge")
    quads = Muscle.objects.create(name="Quadriceps")
    glutes = Muscle.objects.create(name="Glutes")
    core = Muscle.objects.create(name="Core")
    ExerciseMuscle.objects.create(exercise=squat, muscle=quads, emphasis=5, note="They straighten the knee.")
    ExerciseMuscle.objects.create(exercise=squat, muscle=core, emphasis=2, note="It keeps you upright.")
    ExerciseMuscle.objects.create(exercise=bridge, muscle=glutes, emphasis=5, note="They lift the hips.")
    ExercisePoint.objects.create(exercise=squat, kind=PointKind.CHOOSE_IF, title="Quads", body="You want big quads.")
    ExercisePoint.objects.create(exercise=bridge, kind=PointKind.CHOOSE_IF, body="Your knees need a rest.")
    return squat, bridge


def test_sections_show_in_the_order_staff_give_them_and_the_contents_follow(client, pair):
    comparison = make_comparison(
        *pair,
        sections=[
            (K.PROSE, {"heading": "Why Compare Them", "body": "Because people ask."}),
            (K.WHO_SHOULD_CHOOSE, {"body": "Do both on different days."}),
            (K.EXERCISE_OVERVIEW, {"side": "b"}),
            (K.CALL_TO_ACTION, {"body": "Come in."}),
        ],
    )
    page = page_of(client, comparison)
    assert [heading for _, heading in h2_anchors(page)] == [
        "Why Compare Them",
        "Who Should Use Each Exercise?",
        "What Is the Glute Bridge?",
        "Start Your Fitness Journey with Community Strength Austin",
    ]
    assert toc(page) == h2_anchors(page)

    who = Section.objects.get(comparison=comparison, kind=K.WHO_SHOULD_CHOOSE)
    who.position = 1  # before the introduction even: it is then the first section, under its heading
    who.save()
    assert [heading for _, heading in h2_anchors(page_of(client, comparison))][0] == "Who Should Use Each Exercise?"

    Section.objects.filter(comparison=comparison, kind=K.EXERCISE_OVERVIEW).delete()
    page = page_of(client, comparison)
    assert "What Is the Glute Bridge?" not in page
    assert "They lift the hips." not in page


def test_an_empty_heading_reads_as_the_kinds_usual_one_and_staff_can_override_it(client, pair):
    comparison = make_comparison(*pair, sections=[(K.MYTHS, {})])
    Myth.objects.create(comparison=comparison, myth="Squats hurt knees.", correction="Not when done well.")
    assert "Busting Myths" in headings(page_of(client, comparison))

    Section.objects.filter(comparison=comparison, kind=K.MYTHS).update(heading="What People Get Wrong")
    page = page_of(client, comparison)
    assert "What People Get Wrong" in headings(page)
    assert "Busting Myths" not in page
    assert ("myths", "What People Get Wrong") in toc(page)


def test_an_empty_section_list_or_table_is_never_shown_nor_listed(client, pair):
    squat, bridge = pair
    comparison = make_comparison(
        squat,
        bridge,
        sections=[
            (K.EXERCISE_OVERVIEW, {"side": "a"}),
            (K.SHOWDOWN, {"body": "How they stack up."}),
            (K.CRITERIA, {}),
            (K.WHO_SHOULD_CHOOSE, {}),
            (K.PROGRAMMING, {}),
            (K.MYTHS, {}),
            (K.FORM_TIPS, {}),
            (K.FAQS, {}),
            (K.RELATED, {}),
            (K.PROSE, {"heading": "Final Thoughts"}),
        ],
    )
    ExerciseMuscle.objects.filter(exercise=bridge).delete()
    ExercisePoint.objects.filter(exercise=bridge).delete()
    ExerciseMuscle.objects.filter(exercise=squat).delete()
    page = page_of(client, comparison)
    shown = headings(page)

    # The squat overview has its own text, but no benefits or drawbacks: their headings go.
    assert "What Is the Squat?" in shown
    for empty in ["Drawbacks", "Benefits of the Squat", "Muscles Worked", "Busting Myths", "FAQs", "Final Thoughts"]:
        assert empty not in shown, empty
    for empty in ["Programming Tips for Success", "Tips for Nailing Form", "Squat vs. Glute Bridge: The Showdown"]:
        assert empty not in shown, empty
    # The who section keeps the squat's list only: no heading with nothing under it for the bridge.
    assert "Choose Squat If:" in shown
    assert "Choose Glute Bridge If:" not in shown
    assert "<table" not in page
    assert '<ul class="point-list">\n  \n</ul>' not in page
    assert [heading for _, heading in toc(page)] == [heading for _, heading in h2_anchors(page)]


def test_readers_never_see_a_draft_exercises_text_even_on_a_live_article(client, admin_client, pair):
    squat, bridge = pair
    comparison = make_comparison(squat, bridge, sections=[(K.EXERCISE_OVERVIEW, {"side": "b"})])
    bridge.status = Status.DRAFT
    bridge.what_it_is = "Draft words about the bridge."
    bridge.save()

    page = page_of(client, comparison)
    assert "Draft words about the bridge." not in page
    assert "What Is the Glute Bridge?" not in page

    mark_stale()
    preview = admin_client.get(comparison.get_absolute_url()).content.decode()
    assert "Draft words about the bridge." in preview


def test_at_a_glance_shows_hardest_muscles_equipment_and_first_choice_with_a_jump_to_the_verdict(client, pair):
    squat, bridge = pair
    squat.equipment = "A barbell and a rack"
    squat.save()
    comparison = make_comparison(squat, bridge, sections=[(K.AT_A_GLANCE, {}), (K.WHO_SHOULD_CHOOSE, {})])
    page = page_of(client, comparison)
    box = re.search(r'<section class="section glance".*?</section>', page, re.S).group(0)

    squat_part, bridge_part = box.split("<h3>")[1:]
    assert "Quadriceps" in squat_part and "Core" not in squat_part  # rated 5 of 5, against 2
    assert "A barbell and a rack" in squat_part
    assert "Quads: You want big quads." in squat_part
    assert "Glutes" in bridge_part and "Your knees need a rest." in bridge_part
    assert '<a href="#who">Who Should Use Each Exercise?</a>' in box
    assert page.index("glance") < page.index('id="who"')


def test_reading_time_counts_what_the_page_shows(client, pair):
    comparison = make_comparison(*pair, sections=[(K.FAQS, {})])
    FAQ.objects.create(comparison=comparison, question="Short?", answer="Yes.")

    def minutes() -> int:
        return int(re.search(r"(\d+) min read", page_of(client, comparison)).group(1))

    assert minutes() == 1
    FAQ.objects.create(comparison=comparison, question="Long?", answer=" ".join(["word"] * 1000))
    assert minutes() == 5  # 1,000 words or so at 230 a minute
    Section.objects.filter(comparison=comparison, kind=K.FAQS).delete()
    assert minutes() == 1  # FAQs that are not shown are not read


def test_the_faq_structured_data_comes_from_the_faq_section_shown(client, pair):
    comparison = make_comparison(*pair, sections=[(K.FAQS, {})])
    FAQ.objects.create(comparison=comparison, question="How often?", answer="Twice a week.")

    def graph() -> list[dict]:
        page = page_of(client, comparison)
        data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        return json.loads(data)["@graph"]

    faq_pages = [node for node in graph() if node["@type"] == "FAQPage"]
    assert [q["name"] for q in faq_pages[0]["mainEntity"]] == ["How often?"]
    Section.objects.filter(comparison=comparison, kind=K.FAQS).delete()
    assert [node for node in graph() if node["@type"] == "FAQPage"] == []


def test_a_repeated_heading_gets_an_anchor_of_its_own(client, pair):
    comparison = make_comparison(
        *pair,
        sections=[(K.PROSE, {"heading": "Notes", "body": "One."}), (K.PROSE, {"heading": "Notes", "body": "Two."})],
    )
    anchors = [anchor for anchor, _ in h2_anchors(page_of(client, comparison))]
    assert len(anchors) == len(set(anchors)) == 2


def test_twenty_more_sections_and_faqs_cost_no_more_queries(client, pair, django_assert_max_num_queries):
    squat, bridge = pair
    comparison = make_comparison(squat, bridge, sections=[(K.FAQS, {}), (K.CRITERIA, {}), (K.PROGRAMMING, {})])
    for number in range(20):
        Section.objects.create(comparison=comparison, kind=K.PROSE, heading=f"Part {number}", body="Text.")
        FAQ.objects.create(comparison=comparison, question=f"Question {number}?", answer="Answer.")
        Criterion.objects.create(comparison=comparison, name=f"C{number}", exercise_a_text="a", exercise_b_text="b")
    ProgrammingScheme.objects.create(
        exercise=squat, goal="strength", sets_min=3, sets_max=5, reps_min=3, reps_max=5, load="heavy",
        rest_min_seconds=120, rest_max_seconds=180,
    )  # fmt: skip
    mark_stale()
    # The comparison's rows come in one query, however many there are (exercises/articles/rows.py).
    with django_assert_max_num_queries(10):
        page = client.get(comparison.get_absolute_url()).content.decode()
    assert "Part 19" in page and "Question 19?" in page and "C19" in page


def test_a_section_names_an_exercise_only_as_an_overview_and_each_overview_once(pair):
    from django.core.exceptions import ValidationError

    comparison = make_comparison(*pair, sections=[(K.EXERCISE_OVERVIEW, {"side": "a"})])
    with pytest.raises(ValidationError, match="overview in the article already"):
        Section(comparison=comparison, kind=K.EXERCISE_OVERVIEW, side="a").full_clean()
    with pytest.raises(ValidationError, match="leave “exercise” empty"):
        Section(comparison=comparison, kind=K.MYTHS, side="b").full_clean()
    Section.objects.create(comparison=comparison, kind=K.MYTHS)
    with pytest.raises(ValidationError, match="only text sections and exercise overviews can repeat"):
        Section(comparison=comparison, kind=K.MYTHS).full_clean()
    Section(comparison=comparison, kind=K.PROSE, body="Another text.").full_clean()
