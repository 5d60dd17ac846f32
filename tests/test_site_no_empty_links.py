"""No link leads to an empty page. A crawl starts at the home page, follows every internal link on every public page
it reaches, and checks that each target answers with real content: not a 404, not a page whose main part holds only
headings, buttons or "to come". It runs on the shipped content, on an empty gym profile, and on a full one."""

import datetime
import html.parser
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from exercises.gym.models import GymProfile
from exercises.pagecache import mark_stale
from tests.conftest import make_test_coach

pytestmark = pytest.mark.django_db

SKIPPED = ("/admin/", "/static/", "/media/")
# Fewer words than this outside headings, eyebrows and buttons is a page that only says what it is.
MIN_WORDS = 12


class Links(html.parser.HTMLParser):
    """Every <a href> of a page, and the words of its <main> outside headings, eyebrows and buttons."""

    SKIP = {"h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.words: list[str] = []
        self.listed = 0  # links in its main that are not buttons: a list of pages is content too
        self.in_main = False
        self.stack: list[bool] = []  # per open element: is its text left out?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "main":
            self.in_main = True
        if tag in {"br", "img", "input", "meta", "link", "source", "hr", "wbr"}:
            return
        classes = (attrs.get("class") or "").split()
        if tag == "a" and self.in_main and "button" not in classes and attrs.get("href", "#")[0] == "/":
            self.listed += 1
        skipped = tag in self.SKIP or "button" in classes or "eyebrow" in classes or tag in {"script", "style"}
        self.stack.append(skipped or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag in {"br", "img", "input", "meta", "link", "source", "hr", "wbr"}:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.in_main and not (self.stack and self.stack[-1]):
            self.words += data.split()


def internal_path(href: str, base: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "#")):
        return None
    url = urlsplit(urljoin(settings.SITE_URL + base, href))
    if url.netloc and url.netloc != urlsplit(settings.SITE_URL).netloc:
        return None
    if url.path.startswith(SKIPPED):
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(client: Client) -> tuple[dict[str, Links], dict[str, str]]:
    """Every page reachable from "/" and from the sitemap: ({path: what its main holds}, {path: linked from})."""
    sitemap = client.get("/sitemap.xml").content.decode()
    todo = ["/"] + [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    linked_from: dict[str, str] = dict.fromkeys(todo, "the sitemap")
    seen: dict[str, Links | None] = {}
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        response = client.get(path, follow=True)
        where = f"{path}, linked from {linked_from.get(path)},"
        assert response.status_code == 200, f"{where} answered {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            seen[path] = None
            continue
        parser = Links()
        parser.feed(response.content.decode())
        seen[path] = parser
        for href in parser.hrefs:
            target = internal_path(href, path)
            if target and target not in seen:
                linked_from.setdefault(target, path)
                todo.append(target)
    return seen, linked_from


def assert_every_page_has_content(client: Client) -> dict[str, Links | None]:
    mark_stale()
    pages, linked_from = crawl(client)
    for path, main in pages.items():
        if main is None:  # sitemap.xml, share images: not HTML pages with a main
            continue
        said = " ".join(main.words)
        assert "to come" not in said.lower(), f"{path} (linked from {linked_from.get(path)}) says 'to come'"
        enough = len(main.words) >= MIN_WORDS or main.listed >= 1
        assert enough, f"{path} (linked from {linked_from.get(path)}) holds only: {said!r}"
    return pages


def test_with_the_shipped_content_every_link_leads_to_real_content(client, content):
    pages = assert_every_page_has_content(client)

    assert {"/", "/compare/leg-press-vs-hip-thrust/", "/exercises/leg-press/", "/privacy/", "/consultation/"} <= set(
        pages
    )
    # The shipped profile says only "Austin, Texas" and no coach is published: neither page is linked.
    assert "/visit/" not in pages
    assert "/coaches/" not in pages


def test_with_an_empty_gym_profile_every_link_leads_to_real_content(client, content):
    GymProfile.objects.all().delete()

    pages = assert_every_page_has_content(client)

    assert "/visit/" not in pages and "/coaches/" not in pages


def test_with_a_full_profile_and_a_coach_the_links_appear_and_lead_to_real_content(client, content):
    profile = GymProfile.objects.get()
    profile.street_address = "100 Test Street"
    profile.phone = "+1 512 555 0100"
    profile.save()
    profile.hours.create(weekday=0, opens=datetime.time(6), closes=datetime.time(21))
    make_test_coach()

    pages = assert_every_page_has_content(client)

    assert {"/visit/", "/coaches/", "/coaches/test-coach/"} <= set(pages)


def home(client) -> str:
    mark_stale()
    return client.get("/").content.decode()


def consultation(client) -> str:
    mark_stale()
    return client.get("/consultation/").content.decode()


def test_meet_our_coaches_shows_only_once_a_coach_is_published(client, content):
    assert "Meet our coaches" not in home(client)
    coach = make_test_coach()
    assert "Meet our coaches" in home(client)
    coach.is_published = False
    coach.save()
    assert "Meet our coaches" not in home(client)


@pytest.mark.parametrize(
    "fill",
    [
        pytest.param(lambda p: setattr(p, "street_address", "100 Test Street"), id="address"),
        pytest.param(lambda p: p.hours.create(weekday=1, opens=datetime.time(7), closes=datetime.time(20)), id="hours"),
    ],
)
def test_hours_and_directions_shows_only_with_an_address_or_hours(client, content, fill):
    page = consultation(client)
    assert "Austin, Texas" in page  # where the gym is, as the article says...
    assert "Hours and directions" not in page and 'href="/visit/"' not in page  # ...but nothing more to open

    profile = GymProfile.objects.get()
    fill(profile)
    profile.save()

    page = consultation(client)
    assert "Hours and directions" in page and 'href="/visit/"' in page
