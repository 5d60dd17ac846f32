"""A byline that matches the text. With no coach named, an article is by the gym profile's default byline (shipped
as the seed's own words for its author); a named author or reviewer links to their coach page with credentials, and
search engines read the author, the reviewer and the review date."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exercises.articles.models import Comparison
from exercises.gym.models import Coach, GymProfile
from exercises.library.models import Exercise
from exercises.pagecache import mark_stale

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
SHIPPED_BYLINE = "a certified personal trainer at Community Strength Austin"
SEED = Path("/work/shared/seed/leg-press-vs-hip-thrust.txt")


def get(client, path: str) -> str:
    mark_stale()
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def byline(page: str) -> str:
    first = re.search(r'<p class="byline">\s*<span>(.*?)</span>\s*</p>', page, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", first)).strip()


def node(page: str, kind: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    graphs = [json.loads(block) for block in blocks]
    return next(item for graph in graphs for item in graph["@graph"] if item["@type"] == kind)


def make_coach(name: str, *credentials: str) -> Coach:
    coach = Coach.objects.create(name=name, slug=name.lower().replace(" ", "-"), is_published=True)
    for credential in credentials:
        coach.credentials.create(name=credential, issued_by="NSCA")
    return coach


@pytest.mark.django_db
def test_the_shipped_byline_is_how_the_text_describes_its_author(client, content):
    assert GymProfile.objects.get().default_byline == SHIPPED_BYLINE
    if SEED.exists():  # the article's own words: "As a certified personal trainer, I've helped clients…"
        assert "As a certified personal trainer" in SEED.read_text()

    assert byline(get(client, ARTICLE)) == f"By {SHIPPED_BYLINE}"
    assert byline(get(client, "/exercises/hip-thrust/")) == f"By {SHIPPED_BYLINE}"
    assert not Coach.objects.exists()  # no name invented


@pytest.mark.django_db
def test_staff_change_the_default_byline_and_blank_falls_back_to_the_coaching_team(client, content):
    GymProfile.objects.update(default_byline="the coaches of Community Strength Austin")
    assert byline(get(client, ARTICLE)) == "By the coaches of Community Strength Austin"

    GymProfile.objects.update(default_byline="")
    assert byline(get(client, ARTICLE)) == "By the coaching team at Community Strength Austin"

    # A fresh site, where staff have saved no profile yet: the shipped words still match the text.
    GymProfile.objects.all().delete()
    assert byline(get(client, ARTICLE)) == f"By {SHIPPED_BYLINE}"


@pytest.mark.django_db
def test_without_a_named_author_search_engines_get_the_gym_and_no_review(client, content):
    article = node(get(client, ARTICLE), "Article")

    assert article["author"]["@type"] == "Organization"
    assert isinstance(article["mainEntityOfPage"], str)  # no reviewedBy, no lastReviewed: nobody reviewed it


@pytest.mark.django_db
@pytest.mark.parametrize("path", [ARTICLE, "/exercises/leg-press/"])
def test_a_named_author_and_reviewer_link_to_their_pages_with_credentials_and_reach_json_ld(client, content, path):
    author = make_coach("Dana Reyes", "NSCA-CSCS")
    reviewer = make_coach("Sam Ortiz", "CSCS", "USAW-L1")
    for model in (Comparison, Exercise):
        model.objects.update(author=author, reviewer=reviewer, reviewed_on=datetime.date(2026, 11, 30))

    page = get(client, path)

    assert byline(page) == "By Dana Reyes, NSCA-CSCS · Reviewed by Sam Ortiz, CSCS, USAW-L1 on November 30, 2026"
    assert '<a href="/coaches/dana-reyes/">Dana Reyes</a>' in page
    assert '<a href="/coaches/sam-ortiz/">Sam Ortiz</a>' in page
    article = node(page, "Article")
    assert article["author"]["name"] == "Dana Reyes"
    assert article["author"]["url"].endswith("/coaches/dana-reyes/")
    webpage = article["mainEntityOfPage"]
    assert webpage["@type"] == "WebPage" and webpage["@id"].endswith(path)
    assert webpage["reviewedBy"]["@type"] == "Person" and webpage["reviewedBy"]["name"] == "Sam Ortiz"
    assert [c["name"] for c in webpage["reviewedBy"]["hasCredential"]] == ["CSCS", "USAW-L1"]
    assert webpage["lastReviewed"] == "2026-11-30"


@pytest.mark.django_db
def test_an_unpublished_reviewer_is_never_named(client, content):
    reviewer = make_coach("Not Yet Public", "CSCS")
    Coach.objects.filter(pk=reviewer.pk).update(is_published=False)
    Comparison.objects.update(reviewer=reviewer, reviewed_on=datetime.date(2026, 11, 30))

    page = get(client, ARTICLE)

    assert "Not Yet Public" not in page
    assert isinstance(node(page, "Article")["mainEntityOfPage"], str)


@pytest.mark.django_db
def test_a_reviewer_costs_no_query_per_credential(client, content, django_assert_max_num_queries):
    author, reviewer = make_coach("Dana Reyes", "A"), make_coach("Sam Ortiz", "B")
    Comparison.objects.update(author=author, reviewer=reviewer, reviewed_on=datetime.date(2026, 11, 30))
    mark_stale()
    with django_assert_max_num_queries(60) as counted:
        client.get(ARTICLE)
    before = len(counted)
    for number in range(5):
        reviewer.credentials.create(name=f"C{number}", issued_by="X")
        author.credentials.create(name=f"D{number}", issued_by="X")
    mark_stale()
    with django_assert_max_num_queries(before):
        client.get(ARTICLE)


# --- The data migration -------------------------------------------------------------------------------------------

BEFORE = ("exercises", "0014_article_reads")
AFTER = ("exercises", "0015_default_byline")


@pytest.fixture
def back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "expected"), [("Community Strength Austin", SHIPPED_BYLINE), ("Another Gym", "")])
def test_the_migration_ships_the_byline_only_on_the_shipped_profile(back_to_the_latest_schema, name, expected):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    old.get_model("exercises", "GymProfile").objects.update_or_create(pk=1, defaults={"name": name})

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps

    assert new.get_model("exercises", "GymProfile").objects.get(pk=1).default_byline == expected
