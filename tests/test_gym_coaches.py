"""Who wrote it, and are they qualified: coaches, bylines, coach pages and what search engines read."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from exercises.articles.models import Comparison
from exercises.gym.models import Coach, GymProfile
from exercises.leads.views import to_thanks
from exercises.library.models import Exercise
from exercises.pagecache import mark_stale

pytestmark = pytest.mark.django_db

ARTICLE = "/compare/leg-press-vs-hip-thrust/"


def THANKS() -> str:  # noqa: N802 (reads as the page's address)
    """The thank-you page as a sent form reaches it."""
    return to_thanks()["Location"]


def get(client, path: str) -> str:
    mark_stale()
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def graph(page: str) -> list[dict]:
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    return json.loads(data)["@graph"]


def make_coach(name: str, *credentials: tuple[str, str], published: bool = True, **fields) -> Coach:
    coach = Coach(name=name, is_published=published, **fields)
    coach.full_clean()
    coach.save()
    for number, (credential, body) in enumerate(credentials):
        coach.credentials.create(name=credential, issued_by=body, position=number)
    return coach


def test_until_staff_name_an_author_the_article_is_by_the_default_byline_and_the_gym(client, content):
    page = get(client, ARTICLE)

    assert "By a certified personal trainer at Community Strength Austin" in text(page)  # as the text says
    article = next(node for node in graph(page) if node["@type"] == "Article")
    assert article["author"]["@type"] == "Organization"
    assert not Coach.objects.exists()  # the shipped content invents nobody


def test_the_byline_names_the_author_with_credentials_and_the_reviewer_with_the_date(client, content):
    author = make_coach(
        "Dana Reyes", ("NSCA-CSCS", "National Strength and Conditioning Association"), ("NASM-CPT", "NASM")
    )
    reviewer = make_coach("Sam Ortiz", ("CSCS", "NSCA"))
    comparison = Comparison.objects.get()
    comparison.author, comparison.reviewer = author, reviewer
    comparison.reviewed_on = datetime.date(2026, 11, 30)
    comparison.full_clean()
    comparison.save()

    page = get(client, ARTICLE)

    assert "By Dana Reyes, NSCA-CSCS, NASM-CPT · Reviewed by Sam Ortiz, CSCS on November 30, 2026" in text(page)
    assert f'<a href="{author.get_absolute_url()}">Dana Reyes</a>' in page
    assert comparison.next_review_due == datetime.date(2027, 11, 30)  # a year later unless staff say otherwise
    person = next(node for node in graph(page) if node["@type"] == "Article")["author"]
    assert person["@type"] == "Person" and person["name"] == "Dana Reyes"
    assert person["url"].endswith("/coaches/dana-reyes/")
    assert person["hasCredential"] == [
        {
            "@type": "EducationalOccupationalCredential",
            "name": "NSCA-CSCS",
            "recognizedBy": {"@type": "Organization", "name": "National Strength and Conditioning Association"},
        },
        {
            "@type": "EducationalOccupationalCredential",
            "name": "NASM-CPT",
            "recognizedBy": {"@type": "Organization", "name": "NASM"},
        },
    ]


def test_an_unpublished_coach_is_never_named_to_readers(client, content):
    hidden = make_coach("Not Yet Public", published=False)
    Exercise.objects.filter(slug="leg-press").update(author=hidden)

    page = get(client, "/exercises/leg-press/")

    assert "Not Yet Public" not in page
    assert "By a certified personal trainer at Community Strength Austin" in text(page)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "Not Yet Public" not in get(client, "/coaches/")


def test_a_review_needs_its_date(content):
    from django.core.exceptions import ValidationError

    comparison = Comparison.objects.get()
    comparison.reviewer = make_coach("Sam Ortiz")
    with pytest.raises(ValidationError, match="Give the date the coach reviewed it."):
        comparison.full_clean()


def test_the_coach_page_shows_bio_credentials_years_and_articles_as_a_profile_page(client, content):
    coach = make_coach(
        "Dana Reyes",
        ("NSCA-CSCS", "National Strength and Conditioning Association"),
        role="Head coach",
        years_coaching=12,
        bio="Dana coaches *beginners* and powerlifters.",
    )
    Comparison.objects.update(author=coach)

    page = get(client, coach.get_absolute_url())

    assert "<h1>Dana Reyes</h1>" in page
    assert "Head coach · 12 years coaching" in text(page)
    assert "Dana coaches <em>beginners</em> and powerlifters." in page
    assert "NSCA-CSCS, National Strength and Conditioning Association" in text(page)
    assert f'<a href="{ARTICLE}">Leg Press vs Hip Thrust</a>' in page
    profile = next(node for node in graph(page) if node["@type"] == "ProfilePage")
    assert profile["mainEntity"]["@type"] == "Person"
    assert profile["mainEntity"]["jobTitle"] == "Head coach"
    assert "<title>Dana Reyes, NSCA-CSCS | Community Strength Austin</title>" in page


def test_the_coaches_page_lists_published_coaches_and_says_honestly_when_there_are_none(client, content):
    assert "Our coaches’ profiles are to come." in get(client, "/coaches/")
    make_coach("Dana Reyes", ("NSCA-CSCS", "NSCA"), role="Head coach")

    page = get(client, "/coaches/")

    assert '<a href="/coaches/dana-reyes/">Dana Reyes</a>' in page
    assert "to come" not in page
    assert "/coaches/dana-reyes/" in get(client, "/sitemap.xml")


def test_the_home_page_links_the_exercise_guides_and_the_coaches(client, content):
    page = get(client, "/")

    assert '<a href="/exercises/leg-press/">Leg Press</a>' in page
    assert '<a href="/exercises/hip-thrust/">Hip Thrust</a>' in page
    assert f'href="{reverse("exercises:coach_list")}"' not in page  # no coach published: no link to an empty page
    make_coach("Dana Reyes", ("NSCA-CSCS", "NSCA"), role="Head coach")
    assert f'href="{reverse("exercises:coach_list")}"' in get(client, "/")


# --- The words that used to live in templates, now in the gym's profile --------------------------------


def test_the_site_words_come_from_the_profile_and_staff_can_change_them(client, content):
    assert "Coached strength training for every body." in get(client, "/")
    assert "A coach will get back to you within one business day" in get(client, "/consultation/")
    assert "Check your inbox." in get(client, THANKS())
    assert "Want a coach to check your form?" in get(client, "/exercises/leg-press/")

    profile = GymProfile.objects.get()
    profile.tagline = "Strong for life."
    profile.consultation_intro = "Tell us what you are after."
    profile.what_happens_next = "1. **We call you** the same day."
    profile.exercise_cta_heading = "Train this with us"
    profile.save()

    assert "Strong for life." in get(client, "/")
    consultation = get(client, "/consultation/")
    assert "Tell us what you are after." in consultation
    assert "<strong>We call you</strong> the same day." in consultation  # beside the form
    assert "<strong>We call you</strong> the same day." in get(client, THANKS())
    assert "<strong>We call you</strong> the same day." in get(client, ARTICLE)  # beside the article's form too
    assert "Train this with us" in get(client, "/exercises/leg-press/")
    assert "Want a coach to check your form?" not in get(client, "/exercises/leg-press/")


def test_beside_the_form_the_gym_says_where_it_is_and_who_answers(client, content):
    profile = GymProfile.objects.get()
    profile.street_address = "100 Test Street"
    profile.consultation_coach = make_coach("Dana Reyes", role="Head coach")
    profile.save()

    panel = re.search(r'<aside class="form-panel".*?</aside>', get(client, "/consultation/"), re.S).group(0)

    assert 'Your request goes to <a href="/coaches/dana-reyes/">Dana Reyes</a>, Head coach.' in panel
    assert "100 Test Street" in panel and "Austin, Texas" in panel
    assert "What happens next" in panel


def test_blank_profile_words_show_nothing_not_an_empty_label(client, content):
    GymProfile.objects.update(
        tagline="", consultation_intro="", what_happens_next="", what_happens_next_html="", exercise_cta_heading=""
    )
    assert 'class="lead"></p>' not in get(client, "/")
    assert "What happens next" not in get(client, "/consultation/")
    assert "Here is what happens next." not in get(client, THANKS())
    exercise = get(client, "/exercises/leg-press/")
    assert "Book your free consultation" in exercise and '<h2 id="cta">' not in exercise
