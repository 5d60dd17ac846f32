"""Issue 22, finding 5: a picture's description, written in Markdown, reaches the page escaped once."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from exercises.articles.models import SectionKind
from tests.conftest import make_comparison, make_exercise, make_photo

# What a screen reader must read, and the one escaping of it HTML needs.
WRITTEN = 'Tom & Jerry "quoted" <at> the rack'
ESCAPED_ONCE = 'alt="Tom &amp; Jerry &quot;quoted&quot; &lt;at&gt; the rack"'


@pytest.fixture
def bench(db):
    photo = make_photo("bench", alt_text="The bench & the bar")
    yield photo
    for name in [photo.file.name, *(r.file.name for r in photo.renditions.all())]:
        default_storage.delete(name)
    folder = default_storage.path(photo.file.name.rsplit("/", 1)[0])
    if os.path.isdir(folder) and not os.listdir(folder):
        os.rmdir(folder)


def test_a_description_with_ampersands_and_quotes_is_escaped_once_on_the_page(bench):
    body = f"A figure:\n\n![{WRITTEN}](image:bench)\n\nIn a line ![{WRITTEN}](image:bench) too, and ![](image:bench)."
    comparison = make_comparison(
        make_exercise("Squat"),
        make_exercise("Lunge"),
        sections=[(SectionKind.PROSE, {"heading": "Setting Up", "body": body})],
    )

    html = Client().get(comparison.get_absolute_url()).content.decode()

    assert html.count(ESCAPED_ONCE) == 2
    # Without a description of its own, the photo's, escaped once too.
    assert 'alt="The bench &amp; the bar"' in html
    assert "&amp;amp;" not in html and "&amp;quot;" not in html and "&amp;lt;" not in html


def test_the_preview_escapes_the_description_once_too(bench):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("editor", "editor@example.com", "pw"))

    html = client.post(reverse("markdownx_markdownify"), {"content": f"![{WRITTEN}](image:bench)"}).content.decode()

    assert ESCAPED_ONCE in html
    assert "&amp;amp;" not in html
