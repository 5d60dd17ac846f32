"""The gym itself: one profile, in the footer of every page, on /visit/ and in what search engines read."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from exercises.gym.models import GymProfile, OpeningHours, Weekday

ARTICLE = "/compare/leg-press-vs-hip-thrust/"


def json_ld(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, flags=re.S)
    return [node for block in blocks for node in json.loads(block)["@graph"]]


@pytest.fixture
def full_profile(db):
    profile, _ = GymProfile.objects.get_or_create(pk=1, defaults={"name": "Community Strength Austin"})
    profile.street_address = "100 Test Street"
    profile.city, profile.region, profile.postal_code = "Austin", "Texas", "78701"
    profile.phone, profile.email = "(512) 555-0100", "hello@gym.example"
    profile.map_url = "https://maps.example/gym"
    profile.directions = "Park **behind** the building."
    profile.save()
    OpeningHours.objects.create(profile=profile, weekday=Weekday.MONDAY, opens="06:00", closes="21:00")
    OpeningHours.objects.create(profile=profile, weekday=Weekday.SATURDAY, opens="08:00", closes="12:00")
    return profile


@pytest.mark.django_db
def test_the_shipped_profile_says_only_what_the_article_says(client):
    footer = re.search(r"<footer.*?</footer>", client.get("/").content.decode(), flags=re.S).group(0)

    assert "Community Strength Austin" in footer and "Austin, Texas" in footer
    assert "tel:" not in footer and "mailto:" not in footer and "Opening hours" not in footer  # nothing invented


@pytest.mark.django_db
def test_the_footer_shows_the_address_a_phone_to_tap_the_email_and_the_hours(full_profile, content):
    footer = re.search(r"<footer.*?</footer>", Client().get(ARTICLE).content.decode(), flags=re.S).group(0)

    assert "100 Test Street" in footer and "Austin, Texas 78701" in footer
    assert '<a href="tel:5125550100">(512) 555-0100</a>' in footer
    assert '<a href="mailto:hello@gym.example">hello@gym.example</a>' in footer
    assert "Monday" in footer and '<time datetime="06:00">6:00 AM</time>' in footer


@pytest.mark.django_db
def test_the_visit_page_gives_directions_hours_and_a_map(full_profile):
    page = Client().get("/visit/").content.decode()

    assert "<strong>behind</strong>" in page
    assert 'href="https://maps.example/gym"' in page
    assert "Saturday" in page and "12:00 PM" in page
    gym = next(node for node in json_ld(page) if node["@type"] == "ExerciseGym")
    assert gym["address"]["postalCode"] == "78701"


@pytest.mark.django_db
def test_the_article_is_published_by_the_gym_as_search_engines_know_gyms(full_profile, content):
    article = next(node for node in json_ld(Client().get(ARTICLE).content.decode()) if node["@type"] == "Article")

    publisher = article["publisher"]
    assert publisher["@type"] == "ExerciseGym"
    assert publisher["telephone"] == "(512) 555-0100"
    assert publisher["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "100 Test Street",
        "addressLocality": "Austin",
        "addressRegion": "Texas",
        "postalCode": "78701",
    }
    assert {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "06:00",
        "closes": "21:00",
    } in publisher["openingHoursSpecification"]


@pytest.mark.django_db
def test_hours_must_close_after_they_open(full_profile):
    slot = OpeningHours(profile=full_profile, weekday=Weekday.SUNDAY, opens=datetime.time(20), closes=datetime.time(6))

    with pytest.raises(ValidationError, match="must close after it opens"):
        slot.full_clean()


@pytest.mark.django_db
def test_staff_edit_the_one_profile_and_cannot_add_a_second(admin_client, full_profile):
    assert admin_client.get("/admin/exercises/gymprofile/add/").status_code == 403
    assert admin_client.get(f"/admin/exercises/gymprofile/{full_profile.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/exercises/gymprofile/{full_profile.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_the_privacy_page_says_what_is_kept_how_long_who_sees_it_and_whom_to_ask(full_profile, settings):
    settings.LEAD_RETENTION_DAYS = 365
    full_profile.privacy_notice = "We answer within **a week**."
    full_profile.save()

    page = Client().get("/privacy/").content.decode()

    assert "<strong>a week</strong>" in page  # the gym's own words
    assert "365 days" in page
    assert "Who sees it" in page and "IP address" in page
    assert 'href="mailto:hello@gym.example"' in page  # no privacy contact set: the gym's email
    assert "sets no cookie at all" in page and "no tracking" in page


@pytest.mark.django_db
def test_the_form_and_the_footer_link_the_privacy_page(client, content):
    for path in ("/consultation/", ARTICLE):
        page = Client().get(path).content.decode()
        assert page.count('href="/privacy/"') == 2  # beside the consent box, and in the footer


@pytest.mark.django_db
def test_a_visitor_gets_no_cookie_not_even_for_the_form(client, content):
    for path in ("/", ARTICLE, "/visit/", "/privacy/", "/consultation/", "/exercises/hip-thrust/"):
        response = Client().get(path)
        assert not response.cookies, (path, set(response.cookies))
