"""Drafts save at any stage; what readers would see must pass one check, listed in one message."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from exercises.articles import publish_check
from exercises.articles.models import Comparison, Criterion, Section, SectionKind, ShowdownFactor
from exercises.library.models import Exercise
from exercises.pagecache import mark_stale
from exercises.writing.models import Reference, Status
from tests.conftest import make_comparison, make_exercise
from tests.test_articles_admin import change_url, form_data

pytestmark = pytest.mark.django_db

ADD_COMPARISON = reverse("admin:exercises_comparison_add")


def still_to_do(page: str) -> list[str]:
    """The items of the publish check's one message at the top of the form."""
    message = re.search(r"Still to do:<ul>(.*?)</ul>", page, re.S)
    assert message, "no publish-check message on the page"
    assert page.count("Still to do:") == 1
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", message.group(1), re.S)]


def test_a_new_comparison_saves_as_a_draft_with_a_title_alone(admin_client):
    data = form_data(admin_client, ADD_COMPARISON)
    data["title"] = ["Glute Bridge vs Hip Thrust"]

    response = admin_client.post(ADD_COMPARISON, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Comparison.objects.get()
    assert (draft.slug, draft.status, draft.exercise_a, draft.summary) == (
        "glute-bridge-vs-hip-thrust",
        Status.DRAFT,
        None,
        "",
    )


def test_a_new_exercise_saves_as_a_draft_with_a_name_alone(admin_client):
    url = reverse("admin:exercises_exercise_add")
    data = form_data(admin_client, url)
    data["name"] = ["Glute Bridge"]

    assert admin_client.post(url, data).status_code == 302
    assert Exercise.objects.get().slug == "glute-bridge"


def test_publishing_an_incomplete_draft_lists_everything_missing_once_and_saves_nothing(admin_client):
    bridge = make_exercise("Glute Bridge", status=Status.DRAFT, published_at=None)
    draft = Comparison.objects.create(title="Glute Bridge vs Hip Thrust " * 3, slug="glute-bridge-vs-hip-thrust")
    draft.exercise_a = bridge
    draft.save()
    Section.objects.create(comparison=draft, kind=SectionKind.CRITERIA)
    Section.objects.create(comparison=draft, kind=SectionKind.MYTHS, heading="Busting Myths")
    Section.objects.create(comparison=draft, kind=SectionKind.EXERCISE_OVERVIEW, side="a")
    url = change_url(draft)
    data = form_data(admin_client, url)
    data["_publish"] = ["1"]
    data["meta_description"] = ["Typed while publishing, and still there after the refusal."]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    problems = still_to_do(page)
    assert any(problem.startswith("The search title is 80 characters") for problem in problems)
    assert "Write the summary: the home page card and search results show it." in problems
    assert "Choose the second exercise." in problems
    assert "The exercise “Glute Bridge” is still a draft: publish the exercise first." in problems
    assert any("“Criteria table” is empty: add at least one criterion" in problem for problem in problems)
    assert any("“Busting Myths” is empty: add at least one myth" in problem for problem in problems)
    assert "Exercise “Glute Bridge”: add at least one muscle it works." in problems
    assert "Typed while publishing, and still there after the refusal." in page
    draft.refresh_from_db()
    assert (draft.status, draft.meta_description) == (Status.DRAFT, "")


def test_a_draft_exercise_cannot_go_live_inside_a_published_comparison(admin_client, content):
    bridge = make_exercise("Glute Bridge", status=Status.DRAFT, published_at=None)
    comparison = make_comparison(bridge, Exercise.objects.get(slug="hip-thrust"), status=Status.DRAFT)
    url = change_url(comparison)
    data = form_data(admin_client, url)
    data["_publish"] = ["1"]

    problems = still_to_do(admin_client.post(url, data).content.decode())

    assert problems == ["The exercise “Glute Bridge” is still a draft: publish the exercise first."]
    mark_stale()
    assert admin_client.logout() is None
    assert admin_client.get(comparison.get_absolute_url()).status_code == 404


def test_a_complete_draft_publishes(admin_client, content):
    comparison = make_comparison(
        make_exercise("Glute Bridge"), Exercise.objects.get(slug="hip-thrust"), status=Status.DRAFT
    )
    url = change_url(comparison)
    data = form_data(admin_client, url)
    data["_publish"] = ["1"]

    assert admin_client.post(url, data).status_code == 302
    comparison.refresh_from_db()
    assert comparison.is_live


def test_a_published_comparison_cannot_be_saved_into_a_state_that_fails_the_check(admin_client, content):
    comparison = Comparison.objects.get()
    url = change_url(comparison)
    data = form_data(admin_client, url)
    for name in list(data):
        if re.fullmatch(r"criteria-\d+-id", name):
            data[name.replace("-id", "-DELETE")] = ["on"]

    problems = still_to_do(admin_client.post(url, data).content.decode())

    assert any("is empty: add at least one criterion, or remove the section" in problem for problem in problems)
    assert Criterion.objects.filter(comparison=comparison).count() == 4


def test_a_citation_whose_reference_was_deleted_keeps_the_article_from_saving_as_published(admin_client, content):
    comparison = Comparison.objects.get()
    cited = Section.objects.get(comparison=comparison, heading="Final Thoughts")
    Reference.objects.create(key="gone-study", journal="J", year=2020, finding="F.")
    cited.body += " [ref:gone-study]"
    cited.save()
    Reference.objects.filter(key="gone-study").delete()
    assert publish_check.comparison_problems(comparison) == [
        "The text cites [ref:gone-study], but no reference has that key: add it under References, "
        "or remove the citation."
    ]
    url = change_url(comparison)
    response = admin_client.post(url, form_data(admin_client, url))
    assert response.status_code == 200
    assert "No reference has the key gone-study" in response.content.decode()


def test_an_exercise_a_published_comparison_shows_cannot_go_back_to_draft(admin_client, content):
    exercise = Exercise.objects.get(slug="hip-thrust")
    url = change_url(exercise)
    data = form_data(admin_client, url)
    data["_save_draft"] = ["1"]

    problems = still_to_do(admin_client.post(url, data).content.decode())

    assert problems == [
        "The published comparison “Leg Press vs Hip Thrust” shows this exercise. "
        "The exercise “Hip Thrust” is still a draft: publish the exercise first."
    ]
    exercise.refresh_from_db()
    assert exercise.status == Status.PUBLISHED


def test_the_admin_warns_about_a_live_article_that_fails_the_check(admin_client, content):
    comparison = Comparison.objects.get()
    ShowdownFactor.objects.filter(comparison=comparison).delete()
    Exercise.objects.filter(slug="hip-thrust").update(status=Status.DRAFT)

    page = admin_client.get(change_url(comparison)).content.decode()

    assert "Readers see this, but it fails the publish check" in page
    assert "The exercise “Hip Thrust” is still a draft" in page


def test_scheduled_items_read_as_scheduled_in_the_admin_lists(admin_client, content):
    when = timezone.now() + datetime.timedelta(days=2)
    Comparison.objects.update(published_at=when)

    page = admin_client.get(reverse("admin:exercises_comparison_changelist")).content.decode()

    assert re.search(r'<td class="field-state">Scheduled for \w+', page)
    assert 'field-state">Published<' not in page
    exercises = admin_client.get(reverse("admin:exercises_exercise_changelist")).content.decode()
    assert exercises.count('<td class="field-state">Published</td>') == 2


def test_a_section_kind_added_twice_in_one_save_is_refused_with_a_message(admin_client, content):
    comparison = Comparison.objects.get()
    url = change_url(comparison)
    data = form_data(admin_client, url)
    total = int(data["sections-TOTAL_FORMS"][0])
    data["sections-TOTAL_FORMS"] = [str(total + 1)]
    data[f"sections-{total}-kind"] = [SectionKind.MYTHS]
    data[f"sections-{total}-position"] = ["999"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Two sections are “Myths”: keep one." in page or "section of this kind already" in page
    assert Section.objects.filter(comparison=comparison, kind=SectionKind.MYTHS).count() == 1
