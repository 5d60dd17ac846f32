"""The thank-you page belongs to a request: only a sent form's signed, short-lived address opens it. It sets no
cookie, is kept by no cache, and a missing, forged or stale value sends the visitor to the form."""

import datetime
from unittest import mock

import pytest
from django.core import signing
from django.test import Client

from exercises.articles.publishing import public_paths
from exercises.leads.views import THANKS_MAX_AGE, THANKS_SALT, to_thanks
from exercises.pagecache import is_cached
from tests.conftest import valid_consultation

pytestmark = pytest.mark.django_db

THANKS = "/consultation/thanks/"
ARTICLE = "/compare/leg-press-vs-hip-thrust/"


@pytest.fixture
def sent(content, django_capture_on_commit_callbacks):
    """Where a browser lands after sending the form: (the client, the redirect it followed)."""

    def send(path: str = "/consultation/") -> tuple[Client, str]:
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, valid_consultation(source=path), HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == 302
        return client, response["Location"]

    return send


@pytest.mark.parametrize("path", ["/consultation/", ARTICLE])
def test_a_sent_form_lands_on_the_thank_you_page_with_no_cookie_and_no_cache(sent, path):
    client, location = sent(path)
    assert location.startswith(THANKS + "?sent=")

    response = client.get(location)

    assert response.status_code == 200
    assert "Thank you, we have your request" in response.content.decode()
    assert not response.cookies and not client.cookies
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not is_cached(THANKS)


def test_spam_lands_on_the_same_page_as_people(sent, content):
    client = Client()
    response = client.post("/consultation/", valid_consultation(website="http://spam.example"))
    assert response["Location"].startswith(THANKS + "?sent=")
    assert client.get(response["Location"]).status_code == 200


def test_the_value_names_no_visitor():
    """Two requests sent in the same second get the same address: nothing in it is anyone's."""
    with mock.patch("django.core.signing.time.time", return_value=1_800_000_000):
        assert to_thanks()["Location"] == to_thanks()["Location"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sent=",
        "?sent=sent",
        "?sent=sent:abc:forged",
        "?sent=%00%ff",
        "?sent=" + "x" * 5000,
        "?other=1",
        "?sent[]=1",
    ],
)
def test_without_a_valid_value_it_redirects_to_the_form_never_500_never_cached(content, query):
    response = Client().get(THANKS + query)

    assert response.status_code == 302
    assert response["Location"] == "/consultation/"
    assert not response.cookies
    assert not is_cached(THANKS)


def test_a_value_signed_for_something_else_or_with_another_key_is_refused(content, settings):
    other_salt = signing.TimestampSigner(salt="something.else").sign("sent")
    other_key = signing.TimestampSigner(key="not-the-site-key", salt=THANKS_SALT).sign("sent")
    other_word = signing.TimestampSigner(salt=THANKS_SALT).sign("other")
    for value in (other_salt, other_key, other_word):
        assert Client().get(THANKS, {"sent": value})["Location"] == "/consultation/"


def test_the_value_is_short_lived(content):
    long_ago = datetime.datetime.now().timestamp() - THANKS_MAX_AGE - 5
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        stale = to_thanks()["Location"]
    fresh = to_thanks()["Location"]

    assert Client().get(stale)["Location"] == "/consultation/"
    assert Client().get(fresh).status_code == 200


def test_the_thank_you_page_is_not_among_the_pages_the_cache_warms(content):
    assert THANKS not in public_paths()
    assert not any(path.startswith(THANKS) for path in public_paths())


def test_the_page_cache_keeps_nothing_per_value(content):
    client = Client()
    for _ in range(3):
        assert client.get(to_thanks()["Location"]).status_code == 200
    client.get(THANKS + "?sent=forged")
    assert not is_cached(THANKS)
    # The form it redirects to is still an ordinary public page, the same for everyone.
    assert client.get("/consultation/").status_code == 200
