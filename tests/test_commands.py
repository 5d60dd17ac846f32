"""The deploy-time commands: loading the shipped content and making sure an admin exists."""

import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest

from exercises.articles.models import FAQ, Comparison
from exercises.library.models import Exercise, ExercisePoint, Muscle
from exercises.management.commands.load_initial_data import FIXTURE, ROOT_MODELS
from exercises.writing.models import Reference

pytestmark = pytest.mark.django_db

ROOT_LABELS = {model._meta.label_lower for model in ROOT_MODELS}

# Every model the shipped fixture has records for.
CONTENT_MODELS = sorted(
    {apps.get_model(item["model"]) for item in json.loads(FIXTURE.read_text(encoding="utf-8"))},
    key=lambda model: model._meta.label,
)
ROOTS = sum(1 for item in json.loads(FIXTURE.read_text(encoding="utf-8")) if item["model"] in ROOT_LABELS)


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_initial_data", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every field of every content record, updated_at included."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in CONTENT_MODELS}


def test_load_creates_the_article():
    output = load()

    assert f"{ROOTS} created, 0 reset" in output
    assert Comparison.objects.published().get().slug == "leg-press-vs-hip-thrust"
    assert set(Exercise.objects.published().values_list("slug", flat=True)) == {"leg-press", "hip-thrust"}
    assert FAQ.objects.count() == 6
    assert Reference.objects.count() == 4  # three studies and the Contreras research, each only as the article gives it
    assert Muscle.objects.count() == 6
    assert all(snapshot().values()), "a content model got no records"
    # Markdown was rendered on the way in.
    assert Comparison.objects.get().sections.first().body_html.startswith("<p>Ever wondered")


def test_a_second_run_changes_nothing():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert re.search(r"\b0 created, 0 reset\b", output), output


def test_staff_edits_survive_a_second_run():
    load()
    faq = FAQ.objects.get(question="What’s better for glute growth?")
    faq.answer = "Hip thrusts, says our head coach."
    faq.save()
    FAQ.objects.get(question="Best foot placement for leg press?").delete()
    ExercisePoint.objects.create(exercise=Exercise.objects.get(slug="hip-thrust"), kind="benefit", body="New point.")
    Comparison.objects.update(title="Leg Press or Hip Thrust?")
    Reference.objects.filter(key="scj-2019-sprint").update(journal="Edited Journal")

    load()

    assert FAQ.objects.get(pk=faq.pk).answer_html == "<p>Hip thrusts, says our head coach.</p>"
    assert not FAQ.objects.filter(question="Best foot placement for leg press?").exists()
    assert ExercisePoint.objects.filter(body="New point.").exists()
    assert Comparison.objects.get().title == "Leg Press or Hip Thrust?"
    assert Reference.objects.get(key="scj-2019-sprint").journal == "Edited Journal"
    assert FAQ.objects.count() == 5


def test_reset_puts_the_shipped_content_back():
    load()
    pristine = {model: sorted(snapshot_without_ids(model)) for model in CONTENT_MODELS}
    FAQ.objects.filter(question="What’s better for glute growth?").update(
        answer="Edited.", answer_html="<p>Edited.</p>"
    )
    FAQ.objects.get(question="Best foot placement for leg press?").delete()
    Comparison.objects.update(title="Edited title")

    output = load("--reset")

    assert "reset" in output
    assert FAQ.objects.get(question="What’s better for glute growth?").answer_html == (
        "<p>Hip thrusts, hands-down, for maximum glute activation.</p>"
    )
    assert FAQ.objects.get(question="Best foot placement for leg press?").answer.startswith("High for glutes")
    assert Comparison.objects.get().title == "Leg Press vs Hip Thrust"
    assert {model: sorted(snapshot_without_ids(model)) for model in CONTENT_MODELS} == pristine


def snapshot_without_ids(model):
    """Rows as comparable tuples, leaving out ids and timestamps that a reset may renew."""
    skip = {"id", "updated_at"}
    return [
        tuple(sorted((key, str(value)) for key, value in row.items() if key not in skip))
        for row in model.objects.values()
    ]


# --- ensure_admin -------------------------------------------------------------------------


def ensure_admin() -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


def test_ensure_admin_creates_admin_once_and_shows_the_password_once(client):
    first = ensure_admin()
    password = re.search(r"Password: (\S+)", first).group(1)

    second = ensure_admin()

    assert get_user_model().objects.filter(username="admin").count() == 1
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert "Password" not in second and password not in second
    assert "already exists" in second
    assert client.login(request=HttpRequest(), username="admin", password=password)  # django-axes needs a request
    assert client.get("/admin/").status_code == 200


def test_ensure_admin_leaves_an_existing_password_alone(client):
    get_user_model().objects.create_superuser(username="admin", email="", password="chosen-by-staff")

    output = ensure_admin()

    assert "Password" not in output
    assert client.login(request=HttpRequest(), username="admin", password="chosen-by-staff")
