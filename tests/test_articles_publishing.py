"""Drafts, scheduling, previews, history, old addresses and what search engines read."""

import io
import json
import re
from datetime import timedelta

import pytest
import reversion
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from reversion.models import Version

from exercises.articles.models import FAQ, Comparison, SlugRedirect
from exercises.library.models import Exercise
from exercises.pagecache.store import lifetime as page_lifetime
from exercises.writing.models import Status
from tests.conftest import make_comparison, make_exercise

ARTICLE = "/compare/leg-press-vs-hip-thrust/"


@pytest.fixture
def glute_bridge_vs_hip_thrust(content):
    """The next comparison, prepared as a draft."""
    bridge = make_exercise("Glute Bridge")
    return make_comparison(
        bridge,
        Exercise.objects.get(slug="hip-thrust"),
        title="Glute Bridge vs Hip Thrust",
        slug="glute-bridge-vs-hip-thrust",
        status=Status.DRAFT,
        published_at=None,
    )


def json_ld(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    graph = json.loads(blocks[0])["@graph"]
    return {item["@type"]: item for item in graph}


# --- Drafts, scheduling and previews -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["draft", "tomorrow"])
def test_drafts_and_scheduled_items_are_hidden_from_readers(client, glute_bridge_vs_hip_thrust, when):
    comparison = glute_bridge_vs_hip_thrust
    if when == "tomorrow":
        comparison.status = Status.PUBLISHED
        comparison.published_at = timezone.now() + timedelta(days=1)
        comparison.save()

    assert client.get(comparison.get_absolute_url()).status_code == 404
    assert "Glute Bridge vs Hip Thrust" not in client.get("/").content.decode()
    assert comparison.get_absolute_url() not in client.get("/sitemap.xml").content.decode()
    article = client.get(ARTICLE).content.decode()
    assert "Glute Bridge vs. Hip Thrust" in article
    assert 'href="/compare/glute-bridge-vs-hip-thrust/"' not in article
    assert "/exercises/glute-bridge/" in client.get("/exercises/glute-bridge/").content.decode()  # published exercise
    assert "Glute Bridge vs Hip Thrust" not in client.get("/exercises/hip-thrust/").content.decode()


@pytest.mark.django_db
def test_staff_preview_a_draft_exactly_as_it_will_look_and_it_is_never_cached(admin_client, glute_bridge_vs_hip_thrust):
    response = admin_client.get(glute_bridge_vs_hip_thrust.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview, not published." in page
    assert "<h1>Glute Bridge vs Hip Thrust</h1>" in page
    assert "no-store" in response["Cache-Control"]
    assert Client().get(glute_bridge_vs_hip_thrust.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_staff_preview_a_scheduled_comparison_with_its_go_live_date(admin_client, glute_bridge_vs_hip_thrust):
    comparison = glute_bridge_vs_hip_thrust
    comparison.status = Status.PUBLISHED
    comparison.published_at = timezone.make_aware(timezone.datetime(2031, 1, 2, 9, 30))
    comparison.save()

    page = admin_client.get(comparison.get_absolute_url()).content.decode()

    assert "Preview, not published." in page
    assert "it goes live January 2, 2031, 9:30 AM" in page


@pytest.mark.django_db
def test_the_shipped_content_is_the_first_version_in_its_history(content):
    comparison = Comparison.objects.get()
    faq = comparison.faqs.first()

    versions = Version.objects.get_for_object(faq)

    assert versions.count() == 1
    assert versions.first().revision.comment == "Shipped content."
    assert Version.objects.get_for_object(comparison).count() == 1


@pytest.mark.django_db
def test_a_scheduled_comparison_appears_on_its_date_without_anyone_saving(client, glute_bridge_vs_hip_thrust):
    comparison = glute_bridge_vs_hip_thrust
    comparison.status = Status.PUBLISHED
    comparison.published_at = timezone.now() + timedelta(minutes=5)
    comparison.save()

    assert 290 < page_lifetime() <= 300  # cached pages expire when it goes live

    Comparison.objects.filter(pk=comparison.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(comparison.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_when_a_scheduled_comparison_goes_live_the_worker_has_its_page_ready(
    glute_bridge_vs_hip_thrust, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    from exercises.tasks import refresh_public_pages

    HUEY.flush()
    comparison = glute_bridge_vs_hip_thrust
    comparison.status = Status.PUBLISHED
    comparison.published_at = timezone.now() + timedelta(minutes=5)
    for _ in range(2):  # saved twice: still one job
        with django_capture_on_commit_callbacks(execute=True):
            comparison.save()

    booked = [task for task in HUEY.scheduled() if task.name == "refresh_public_pages"]
    assert len(booked) == 1
    assert booked[0].eta == (comparison.published_at + timedelta(seconds=1)).replace(tzinfo=None)

    # Its moment comes: nobody saves anything, the worker runs the job.
    Comparison.objects.filter(pk=comparison.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    refresh_public_pages.call_local()

    with CaptureQueriesContext(connection) as queries:
        page = Client().get(comparison.get_absolute_url())
        home = Client().get("/").content.decode()
    assert page.status_code == 200
    assert "Glute Bridge vs Hip Thrust" in home
    assert len(queries) == 0  # both were rendered by the job, not by these readers


@pytest.mark.django_db
def test_a_published_related_comparison_becomes_a_link(client, glute_bridge_vs_hip_thrust):
    glute_bridge_vs_hip_thrust.status = Status.PUBLISHED
    glute_bridge_vs_hip_thrust.published_at = timezone.now() - timedelta(minutes=1)
    glute_bridge_vs_hip_thrust.save()

    article = client.get(ARTICLE).content.decode()

    assert '<a href="/compare/glute-bridge-vs-hip-thrust/">Glute Bridge vs. Hip Thrust</a>' in article


@pytest.mark.django_db
def test_the_home_page_lists_comparisons_newest_first(client, glute_bridge_vs_hip_thrust):
    glute_bridge_vs_hip_thrust.status = Status.PUBLISHED
    glute_bridge_vs_hip_thrust.published_at = timezone.now() - timedelta(minutes=1)
    glute_bridge_vs_hip_thrust.save()

    home = client.get("/").content.decode()

    assert home.index("Glute Bridge vs Hip Thrust") < home.index("Leg Press vs Hip Thrust")


# --- Dates and reading time ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_article_shows_when_it_was_published_and_updated_and_its_reading_time(client, content):
    comparison = Comparison.objects.get()
    Comparison.objects.filter(pk=comparison.pk).update(
        published_at=timezone.make_aware(timezone.datetime(2026, 11, 1, 12)),
        updated_at=timezone.make_aware(timezone.datetime(2026, 11, 24, 12)),
    )
    comparison.faqs.first().save()  # any save refreshes the cached page

    page = client.get(ARTICLE).content.decode()

    assert 'Published <time datetime="2026-11-01">November 1, 2026</time>' in page  # US dates: an Austin gym
    assert 'Updated <time datetime="2026-11-24">November 24, 2026</time>' in page
    minutes = int(re.search(r"(\d+) min read", page).group(1))
    assert 5 <= minutes <= 15


# --- History ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_revert_a_comparison_with_its_children_from_the_admin(admin_client, content):
    comparison = Comparison.objects.get()
    with reversion.create_revision():
        comparison.save()  # the shipped version, children included
    faq = comparison.faqs.get(question="What’s better for glute growth?")
    with reversion.create_revision():
        faq.answer = "Something nobody approved."
        faq.save()
        comparison.intro = "A rewritten intro."
        comparison.save()
        FAQ.objects.create(comparison=comparison, question="Added later?", answer="Yes.", position=999)
    original = Version.objects.get_for_object(comparison).order_by("pk").first()

    history = admin_client.get(reverse("admin:exercises_comparison_history", args=[comparison.pk]))
    assert history.status_code == 200
    revision_url = reverse("admin:exercises_comparison_revision", args=[comparison.pk, original.pk])
    response = admin_client.post(revision_url, form_as_posted(admin_client, revision_url))

    assert response.status_code == 302
    page = Client().get(ARTICLE).content.decode()
    assert "Hip thrusts, hands-down, for maximum glute activation." in page
    assert "A rewritten intro." not in page
    assert "Added later?" not in page


def form_as_posted(client, url) -> dict:
    """An admin change (or revert) form with the values it shows, as a browser would post them."""
    response = client.get(url)
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        forms += formset.formset.forms
        management = formset.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if hasattr(value, "astimezone"):  # split date and time, as the admin widget posts them
                local = value.astimezone(timezone.get_current_timezone())
                data[form.add_prefix(f"{name}_0")] = local.strftime("%Y-%m-%d")
                data[form.add_prefix(f"{name}_1")] = local.strftime("%H:%M:%S")
                continue
            data[form.add_prefix(name)] = value
    return data


# --- Old addresses ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_renamed_slug_answers_with_a_301_to_the_new_address(admin_client, content):
    comparison = Comparison.objects.get()
    change_url = reverse("admin:exercises_comparison_change", args=[comparison.pk])
    data = form_as_posted(admin_client, change_url)
    data["slug"] = "leg-press-or-hip-thrust"

    response = admin_client.post(change_url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    old = Client().get(ARTICLE)
    assert old.status_code == 301
    assert old["Location"] == "/compare/leg-press-or-hip-thrust/"
    assert Client().get("/compare/leg-press-or-hip-thrust/").status_code == 200
    assert SlugRedirect.objects.get().old_slug == "leg-press-vs-hip-thrust"


# --- What search engines and social networks read -----------------------------------------------


@pytest.mark.django_db
def test_the_article_has_canonical_opengraph_twitter_and_json_ld(client, content, settings):
    settings.SITE_URL = "https://communitystrength.example"
    page = client.get(ARTICLE).content.decode()

    assert '<link rel="canonical" href="https://communitystrength.example/compare/leg-press-vs-hip-thrust/">' in page
    assert '<meta property="og:type" content="article">' in page
    assert (
        '<meta property="og:image" content="https://communitystrength.example/compare/leg-press-vs-hip-thrust/share.png">'
        in page
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    data = json_ld(page)
    assert data["Article"]["headline"] == "Leg Press vs Hip Thrust"
    assert data["Article"]["author"]["name"] == data["Article"]["publisher"]["name"] == "Community Strength Austin"
    assert data["Article"]["datePublished"].startswith("2026-11-20")
    assert data["Article"]["image"] == ["https://communitystrength.example/compare/leg-press-vs-hip-thrust/share.png"]
    assert [crumb["name"] for crumb in data["BreadcrumbList"]["itemListElement"]] == [
        "Home",
        "Leg Press vs Hip Thrust",
    ]
    questions = data["FAQPage"]["mainEntity"]
    assert len(questions) == 6
    assert questions[0]["acceptedAnswer"]["text"] == "Hip thrusts, hands-down, for maximum glute activation."


@pytest.mark.django_db
def test_search_title_and_description_can_be_edited(client, content):
    Comparison.objects.update(meta_title="Leg press or hip thrust? A coach explains", meta_description="Short.")
    Comparison.objects.first().save()

    page = client.get(ARTICLE).content.decode()

    assert "<title>Leg press or hip thrust? A coach explains | Community Strength Austin</title>" in page
    assert '<meta name="description" content="Short.">' in page


@pytest.mark.django_db
def test_the_share_image_is_a_1200_by_630_png_that_follows_the_title(client, content):
    first = client.get("/compare/leg-press-vs-hip-thrust/share.png")
    assert first["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(first.content)).size == (1200, 630)

    comparison = Comparison.objects.get()
    comparison.title = "Leg Press or Hip Thrust?"
    comparison.save()
    second = client.get("/compare/leg-press-vs-hip-thrust/share.png")

    assert second.content != first.content


@pytest.mark.django_db
def test_sitemap_lists_published_items_with_lastmod(client, glute_bridge_vs_hip_thrust, settings):
    settings.SITE_URL = "https://communitystrength.example"
    sitemap = client.get("/sitemap.xml").content.decode()

    assert "<loc>https://communitystrength.example/compare/leg-press-vs-hip-thrust/</loc>" in sitemap
    assert "<loc>https://communitystrength.example/exercises/hip-thrust/</loc>" in sitemap
    assert "glute-bridge-vs-hip-thrust" not in sitemap
    assert sitemap.count("<lastmod>") == sitemap.count("<loc>")


@pytest.mark.django_db
def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://communitystrength.example"
    robots = client.get("/robots.txt")

    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://communitystrength.example/sitemap.xml" in robots.content.decode()
    assert "Disallow: /admin/" in robots.content.decode()


@pytest.mark.django_db
def test_favicon_and_manifest(client, content):
    page = client.get("/").content.decode()
    manifest_url = re.search(r'<link rel="manifest" href="([^"]+)"', page).group(1)

    manifest = client.get(manifest_url).json()

    assert manifest["name"] == "Community Strength Austin"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get("/favicon.ico").status_code == 200


@pytest.mark.django_db
def test_the_history_lists_the_newest_change_first_with_the_time_to_the_second(admin_client, content):
    comparison = Comparison.objects.get()
    with reversion.create_revision():
        reversion.set_comment("The newest change.")
        comparison.save()

    page = admin_client.get(reverse("admin:exercises_comparison_history", args=[comparison.pk])).content.decode()

    assert page.index("The newest change.") < page.index("Shipped content.")
    newest = Version.objects.get_for_object(comparison).order_by("-pk").first().revision.date_created
    assert timezone.localtime(newest).strftime("%H:%M:%S") in page


@pytest.mark.django_db
def test_an_faq_edited_on_its_own_screen_shows_in_its_comparisons_history(admin_client, content):
    comparison = Comparison.objects.get()
    faq = comparison.faqs.get(question="What’s better for glute growth?")
    before = Version.objects.get_for_object(comparison).count()
    url = reverse("admin:exercises_faq_change", args=[faq.pk])

    response = admin_client.post(url, {**form_as_posted(admin_client, url), "answer": "Edited on its own screen."})

    assert response.status_code == 302
    assert Version.objects.get_for_object(comparison).count() == before + 1
    latest = Version.objects.get_for_object(comparison).order_by("-pk").first()
    faq_then = Version.objects.get_for_object(faq).get(revision=latest.revision)
    assert faq_then.field_dict["answer"] == "Edited on its own screen."
