"""The rules the content models keep, whoever writes the data: the admin, the loader or a shell."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from exercises.articles.models import FAQ, Comparison, RelatedComparison
from exercises.library.models import ExerciseMuscle, Goal, Load, Muscle, ProgrammingScheme
from exercises.writing.models import Reference, Status
from tests.conftest import make_comparison, make_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def squat():
    return make_exercise("Squat")


@pytest.fixture
def deadlift():
    return make_exercise("Deadlift")


def scheme(exercise, **fields):
    values = {
        "exercise": exercise,
        "goal": Goal.STRENGTH,
        "sets_min": 3,
        "sets_max": 5,
        "reps_min": 5,
        "reps_max": 8,
        "load": Load.HEAVY,
        "rest_min_seconds": 120,
        "rest_max_seconds": 180,
    }
    return ProgrammingScheme(**{**values, **fields})


def messages(error: ValidationError) -> list[str]:
    return [message for message_list in error.message_dict.values() for message in message_list]


def assert_database_refuses(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


# --- Programming schemes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [
        ({"sets_min": 6}, {"sets_max": 5}, "The lowest number of sets cannot be above the highest."),
        ({"reps_min": 12}, {"reps_max": 8}, "The lowest number of reps cannot be above the highest."),
        ({"rest_min_seconds": 200}, {"rest_max_seconds": 180}, "The shortest rest cannot be longer than the longest."),
    ],
)
def test_scheme_minimum_above_maximum_is_refused_with_a_clear_message(squat, low, high, message):
    bad = scheme(squat, **low, **high)

    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert message in messages(error.value)
    assert_database_refuses(bad)


def test_scheme_with_equal_minimum_and_maximum_is_fine(squat):
    same = scheme(squat, sets_min=4, sets_max=4, reps_min=12, reps_max=12, rest_min_seconds=90, rest_max_seconds=90)
    same.full_clean()
    same.save()


def test_one_scheme_per_goal_per_exercise(squat, deadlift):
    scheme(squat, goal=Goal.STRENGTH).save()
    scheme(squat, goal=Goal.HYPERTROPHY).save()
    scheme(deadlift, goal=Goal.STRENGTH).save()

    second = scheme(squat, goal=Goal.STRENGTH)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "This exercise already has a scheme for that goal." in messages(error.value)
    assert_database_refuses(second)


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({}, "3–5 sets of 5–8 reps with heavy weight, 2–3 minutes rest."),
        (
            {"sets_min": 4, "sets_max": 4, "reps_min": 12, "reps_max": 15, "load": Load.MODERATE}
            | {"rest_min_seconds": 60, "rest_max_seconds": 90},
            "4 sets of 12–15 reps with moderate weight, 60–90 seconds rest.",
        ),
        (
            {"sets_min": 2, "sets_max": 2, "reps_min": 20, "reps_max": 20, "load": Load.LIGHT}
            | {"rest_min_seconds": 45, "rest_max_seconds": 45},
            "2 sets of 20 reps with light weight, 45 seconds rest.",
        ),
    ],
)
def test_scheme_sentence_reads_like_the_article(squat, fields, sentence):
    assert scheme(squat, **fields).sentence == sentence


def test_shipped_schemes_read_exactly_as_the_seed(content):
    leg_press = ProgrammingScheme.objects.get(exercise__slug="leg-press", goal=Goal.STRENGTH)
    hip_thrust = ProgrammingScheme.objects.get(exercise__slug="hip-thrust", goal=Goal.HYPERTROPHY)

    assert leg_press.sentence == "3–5 sets of 5–8 reps with heavy weight, 2–3 minutes rest."
    assert hip_thrust.sentence == "4 sets of 12–15 reps with moderate weight, 60–90 seconds rest."


# --- Muscles on an exercise ----------------------------------------------------------


@pytest.mark.parametrize("emphasis", [0, 6])
def test_emphasis_outside_1_to_5_is_refused(squat, emphasis):
    link = ExerciseMuscle(exercise=squat, muscle=Muscle.objects.create(name="Glutes"), emphasis=emphasis)

    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "emphasis" in error.value.message_dict
    assert_database_refuses(link)


@pytest.mark.parametrize("emphasis", [1, 5])
def test_emphasis_1_and_5_are_allowed(squat, emphasis):
    link = ExerciseMuscle(exercise=squat, muscle=Muscle.objects.create(name="Glutes"), emphasis=emphasis)
    link.full_clean()
    link.save()


def test_a_muscle_is_listed_once_per_exercise(squat, deadlift):
    glutes = Muscle.objects.create(name="Glutes")
    ExerciseMuscle.objects.create(exercise=squat, muscle=glutes, emphasis=4)
    ExerciseMuscle.objects.create(exercise=deadlift, muscle=glutes, emphasis=4)

    again = ExerciseMuscle(exercise=squat, muscle=glutes, emphasis=2)
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert "This muscle is already listed for the exercise." in messages(error.value)
    assert_database_refuses(again)


# --- Comparisons and publishing -------------------------------------------------------


def test_a_comparison_needs_two_different_exercises(squat, deadlift):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_comparison(squat, squat)

    comparison = make_comparison(squat, deadlift)
    comparison.exercise_b = squat
    with pytest.raises(ValidationError) as error:
        comparison.full_clean()
    assert "A comparison needs two different exercises." in messages(error.value)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda a, b: make_comparison(a, b, status=Status.DRAFT), "A published comparison needs a publish date."),
        (lambda a, b: make_exercise("Lunge", status=Status.DRAFT), "A published exercise needs a publish date."),
    ],
    ids=["comparison", "exercise"],
)
def test_published_needs_a_date(squat, deadlift, build, message):
    obj = build(squat, deadlift)
    obj.status = Status.PUBLISHED
    obj.published_at = None

    with pytest.raises(ValidationError) as error:
        obj.validate_constraints()
    assert message in messages(error.value)
    assert_database_refuses(obj)


@pytest.mark.parametrize(
    "build",
    [
        lambda a, b: make_comparison(a, b, status=Status.DRAFT, published_at=None),
        lambda a, b: make_exercise("Lunge", status=Status.DRAFT, published_at=None),
    ],
    ids=["comparison", "exercise"],
)
def test_publishing_without_a_date_means_now(squat, deadlift, build):
    obj = build(squat, deadlift)
    obj.status = Status.PUBLISHED

    obj.full_clean()
    obj.save()

    assert obj.published_at is not None
    assert type(obj).objects.published().filter(pk=obj.pk).exists()  # readers see it straight away


def test_published_hides_drafts_and_future_dated_comparisons(squat, deadlift):
    now = timezone.now()
    live = make_comparison(squat, deadlift, slug="live", published_at=now - datetime.timedelta(minutes=1))
    make_comparison(squat, deadlift, slug="draft", status=Status.DRAFT, published_at=now - datetime.timedelta(days=1))
    make_comparison(squat, deadlift, slug="draft-undated", status=Status.DRAFT, published_at=None)
    make_comparison(squat, deadlift, slug="scheduled", published_at=now + datetime.timedelta(days=1))

    assert list(Comparison.objects.published()) == [live]


def test_a_related_comparison_cannot_point_at_its_own_comparison(squat, deadlift):
    comparison = make_comparison(squat, deadlift)
    link = RelatedComparison(comparison=comparison, target_slug=comparison.slug, link_text="This one")

    with pytest.raises(ValidationError) as error:
        link.full_clean()
    assert "A comparison cannot point at itself." in messages(error.value)


# --- Markdown fields -----------------------------------------------------------------


def test_markdown_is_rendered_to_html_when_saved(squat, deadlift):
    squat.what_it_is = "A **big** lift.\n\n- hips\n- knees"
    squat.save()
    squat.refresh_from_db()
    assert squat.what_it_is_html == "<p>A <strong>big</strong> lift.</p>\n<ul>\n<li>hips</li>\n<li>knees</li>\n</ul>"

    comparison = make_comparison(squat, deadlift, intro="Train *both*.")
    faq = FAQ.objects.create(comparison=comparison, question="Why?", answer="Because <script>x()</script>it *works*.")
    assert comparison.sections.first().body_html == "<p>Train <em>both</em>.</p>"
    assert faq.answer_html == "<p>Because it <em>works</em>.</p>"

    faq.answer = "Changed."
    faq.save()
    faq.refresh_from_db()
    assert faq.answer_html == "<p>Changed.</p>"


def test_citing_an_unknown_reference_is_refused_with_a_message(squat, deadlift):
    comparison = make_comparison(squat, deadlift)
    Reference.objects.create(key="known-study", journal="Journal", year=2020, finding="It works.")

    faq = FAQ(comparison=comparison, question="Proof?", answer="See [ref:known-study] and [ref:unknown-key].")
    with pytest.raises(ValidationError) as error:
        faq.full_clean()
    assert error.value.message_dict["answer"] == [
        "No reference has the key unknown-key. Add it under References first."
    ]

    faq.answer = "See [ref:known-study]."
    faq.full_clean()


# --- Every model ---------------------------------------------------------------------

CONTENT_MODELS = list(apps.get_app_config("exercises").get_models())


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model.__name__)
def test_every_model_has_str_and_an_explicit_ordering(model):
    assert model.__str__ is not models.Model.__str__, f"{model.__name__} needs a __str__"
    assert model._meta.ordering, f"{model.__name__} needs Meta.ordering"
    field_names = {field.name for field in model._meta.get_fields()}
    if "position" in field_names:
        assert model._meta.ordering[0] == "position", f"{model.__name__} lists by position first"


def test_every_shipped_record_has_a_readable_name(content):
    for model in CONTENT_MODELS:
        for obj in model.objects.all():
            text = str(obj)
            assert text, f"empty __str__ on {model.__name__}"
            assert " object (" not in text, f"{model.__name__} shows as {text!r}"
