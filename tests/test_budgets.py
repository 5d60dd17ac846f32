"""Page budgets: what a reader on a phone downloads and runs, measured on the shipped article."""

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.conftest import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

ARTICLE_GZIP_LIMIT = 15 * 1024
CSS_GZIP_LIMIT = 10 * 1024
# Data blocks: browsers never run these (e.g. the JSON-LD that describes an article).
DATA_BLOCK_TYPES = {"application/ld+json", "application/json"}
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme ("java\tscript:").
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


# The scripts a public page may load, each deferred, same-origin (CSP 'self') and small: the form's own, and the
# one that keeps where the visit began in the tab for the form (no cookie; the page itself is the same for all).
CONSENT_SCRIPT = "js/consent.js"
VISIT_SCRIPT = "js/visit.js"
ALLOWED_SCRIPTS = (CONSENT_SCRIPT, VISIT_SCRIPT)
SCRIPT_LIMIT = 2 * 1024


def is_an_allowed_script(attributes: dict) -> bool:
    src = attributes.get("src", "")
    return "defer" in attributes and src.startswith(settings.STATIC_URL) and src.endswith(ALLOWED_SCRIPTS)


class PageParts(HTMLParser):
    """The stylesheets a page links and everything in it a browser would run as JavaScript."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.allowed_scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in attributes.get("rel", "").lower().split():
            self.stylesheets.append(attributes.get("href", ""))
        if tag == "script" and attributes.get("type", "").strip().lower() not in DATA_BLOCK_TYPES:
            if is_an_allowed_script(attributes):
                self.allowed_scripts.append(attributes["src"])
            else:
                self.scripts.append(self.get_starttag_text())
        for name, value in attributes.items():
            if name.startswith("on"):
                self.scripts.append(f"<{tag} {name}=...> (inline handler)")
            elif IGNORED_IN_SCHEME.sub("", value).lower().startswith("javascript:"):
                self.scripts.append(f"<{tag} {name}={value!r}> (javascript: URL)")


def page_parts(client, path: str) -> PageParts:
    response = client.get(path)
    assert response.status_code == (404 if path == PUBLIC_PAGES["not-found"] else 200), path
    parts = PageParts()
    parts.feed(response.content.decode())
    return parts


def test_the_article_downloads_in_at_most_15_kb_on_a_phone(client, content):
    response = client.get(PUBLIC_PAGES["comparison"], HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    # The page cache sends its stored gzip body to a browser that accepts gzip: that body is what a phone
    # downloads, so it is measured as sent. Were the page sent uncompressed, it is gzipped here (level 9).
    sent_gzipped = response.get("Content-Encoding") == "gzip"
    size = len(response.content) if sent_gzipped else len(gzip.compress(response.content, 9))
    how = "as sent, gzip" if sent_gzipped else "sent uncompressed, gzipped by the test"
    assert size <= ARTICLE_GZIP_LIMIT, f"the article is {size} bytes ({how}), over {ARTICLE_GZIP_LIMIT}"


def test_all_the_styles_of_the_public_pages_download_in_at_most_10_kb(client, content):
    stylesheets = set()
    for path in PUBLIC_PAGES.values():
        stylesheets.update(page_parts(client, path).stylesheets)
    assert stylesheets, "no public page links a stylesheet"
    sizes = {}
    for href in sorted(stylesheets):
        path = urlsplit(href).path
        assert path.startswith(settings.STATIC_URL), f"{href} is not a static file"
        # The test settings serve static files from the finders by their plain names: measure the file itself.
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        assert found, f"{href} is linked but no such static file exists"
        with open(found, "rb") as stylesheet:
            sizes[href] = len(gzip.compress(stylesheet.read(), 9))
    total = sum(sizes.values())
    assert total <= CSS_GZIP_LIMIT, f"all CSS is {total} bytes gzipped, over {CSS_GZIP_LIMIT}: {sizes}"


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_reading_the_page_runs_no_javascript_but_the_two_small_deferred_ones(client, content, name):
    parts = page_parts(client, PUBLIC_PAGES[name])
    assert not parts.scripts, f"{PUBLIC_PAGES[name]} has JavaScript (JSON data blocks are allowed): {parts.scripts}"
    assert len(parts.allowed_scripts) <= 2
    assert len(parts.allowed_scripts) == len(set(parts.allowed_scripts))


@pytest.mark.parametrize("script", ALLOWED_SCRIPTS)
def test_each_script_is_at_most_2_kb(script):
    with open(finders.find(script), "rb") as code:
        assert len(code.read()) <= SCRIPT_LIMIT
