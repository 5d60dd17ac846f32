"""History staff can read: newest first to the second, two versions side by side with their children,
one history per article, and a revert that says what it will change before it does."""

import re

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from exercises.articles.models import FAQ, Comparison
from exercises.writing.history import side_by_side
from tests.test_articles_publishing import form_as_posted

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def assert_csp_clean(html: str):
    assert "style=" not in html
    assert "<style" not in html.lower()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)


def comparison_versions(comparison) -> list[Version]:
    return list(Version.objects.get_for_object(comparison).order_by("-pk"))


@pytest.fixture
def edited(content):
    """The shipped article, then one edit of its title and of an FAQ's answer, saved as one revision."""
    comparison = Comparison.objects.get()
    faq = comparison.faqs.get(question="What’s better for glute growth?")
    with reversion.create_revision():
        reversion.set_comment("Sharper title, longer answer.")
        comparison.title = "Leg Press vs Hip Thrust: which builds glutes?"
        comparison.save()
        faq.answer = "Hip thrusts, hands-down, for maximum glute activation. Squats come close behind."
        faq.save()
    return comparison


# --- The history page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_history_is_newest_first_to_the_second_with_a_compare_button(admin_client, edited):
    page = admin_client.get(reverse("admin:exercises_comparison_history", args=[edited.pk])).content.decode()

    assert page.index("Sharper title, longer answer.") < page.index("Shipped content.")
    newest, shipped = comparison_versions(edited)
    for version in (newest, shipped):
        assert timezone.localtime(version.revision.date_created).strftime("%H:%M:%S") in page
    assert re.search(rf'name="version_id2" value="{newest.pk}"[^>]*checked', page)  # "To": the newest
    assert re.search(rf'name="version_id1" value="{shipped.pk}"[^>]*checked', page)  # "From": the one before
    assert '<button type="submit" class="button">Compare</button>' in page
    assert_csp_clean(page)


# --- Compare ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_compare_shows_both_versions_side_by_side_children_included(admin_client, edited):
    newest, shipped = comparison_versions(edited)
    url = reverse("admin:exercises_comparison_compare", args=[edited.pk])

    page = admin_client.get(url, {"version_id1": shipped.pk, "version_id2": newest.pk}).content.decode()

    assert page.count('class="history-pair"') == 2  # the title and the answer; nothing else changed
    assert "<ins>: which builds glutes?</ins>" in page
    faqs = page[page.index("<h3>FAQs</h3>") :]
    assert '<h4><span class="history-state">Changed</span> What’s better for glute growth?</h4>' in faqs
    assert "<ins> Squats come close behind.</ins>" in faqs
    assert "others are the same in both" in faqs
    assert_csp_clean(page)


@pytest.mark.django_db
def test_compare_lists_a_child_added_and_one_removed(admin_client, edited):
    removed = edited.faqs.exclude(question="What’s better for glute growth?").first()
    with reversion.create_revision():
        FAQ.objects.create(comparison=edited, question="Can I do both?", answer="Yes, on different days.", position=99)
        removed.delete()
        edited.save()
    newest, before = comparison_versions(edited)[:2]
    url = reverse("admin:exercises_comparison_compare", args=[edited.pk])

    page = admin_client.get(url, {"version_id1": before.pk, "version_id2": newest.pk}).content.decode()

    assert '<span class="history-state">Added</span> Can I do both?' in page
    assert "<ins>Yes, on different days.</ins>" in page
    assert f'<span class="history-state">Removed</span> {removed.question}' in page


def test_side_by_side_marks_only_the_words_that_changed():
    before, after = side_by_side("Rest 90 seconds between sets.", "Rest two minutes between sets.")
    assert before == "Rest <del>90 seconds</del> between sets."
    assert after == "Rest <ins>two minutes</ins> between sets."
    assert side_by_side("<b>", "<i>") == ("&lt;<del>b</del>&gt;", "&lt;<ins>i</ins>&gt;")  # text, never markup


# --- One history per article ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_faq_edited_on_its_own_screen_is_in_its_comparisons_history_and_compare(admin_client, content):
    comparison = Comparison.objects.get()
    faq = comparison.faqs.get(question="What’s better for glute growth?")
    url = reverse("admin:exercises_faq_change", args=[faq.pk])

    response = admin_client.post(url, {**form_as_posted(admin_client, url), "answer": "Edited on its own screen."})

    assert response.status_code == 302
    history = admin_client.get(reverse("admin:exercises_comparison_history", args=[comparison.pk]))
    assert "Changed Answer." in history.content.decode()
    newest, before = comparison_versions(comparison)[:2]
    page = admin_client.get(
        reverse("admin:exercises_comparison_compare", args=[comparison.pk]),
        {"version_id1": before.pk, "version_id2": newest.pk},
    ).content.decode()
    assert "<ins>Edited on its own screen</ins>." in page


# --- Revert ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_revert_page_says_what_will_change_before_anything_is_saved(admin_client, edited):
    shipped = comparison_versions(edited)[-1]
    url = reverse("admin:exercises_comparison_revision", args=[edited.pk, shipped.pk])

    page = admin_client.get(url).content.decode()

    summary = page[page.index("What reverting changes") : page.index("Press the save button below")]
    assert "Compared with what is saved now, 2 things change" in summary
    assert "Saved now" in summary and "After reverting" in summary
    assert "<del>: which builds glutes?</del>" in summary  # the title loses what was added
    assert "<del> Squats come close behind.</del>" in summary  # and so does the FAQ
    edited.refresh_from_db()
    assert edited.title == "Leg Press vs Hip Thrust: which builds glutes?"  # looking changed nothing
    assert_csp_clean(page)


@pytest.mark.django_db
def test_reverting_to_the_version_saved_now_says_it_changes_nothing(admin_client, edited):
    newest = comparison_versions(edited)[0]
    url = reverse("admin:exercises_comparison_revision", args=[edited.pk, newest.pk])

    page = admin_client.get(url).content.decode()

    assert "is the same as what is saved now: reverting changes nothing." in page
