"""The consultation form is checked by the browser's Fetch Metadata and Origin headers, not a CSRF token.

Every header combination, on /consultation/ and on the form at the end of an article, with Django's CSRF
checks enforced as a browser meets them (Client(enforce_csrf_checks=True)).
"""

import logging

import pytest
from django.test import Client

from config.settings import proxy_ssl_header
from exercises.leads.models import ConsultationRequest
from tests.conftest import valid_consultation

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
FORMS = ["/consultation/", ARTICLE]
OWN = "http://testserver"

TAKEN = [
    pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin"}, id="same-origin"),
    pytest.param({"HTTP_SEC_FETCH_SITE": "none"}, id="none (typed in, a bookmark)"),
    # Fetch Metadata decides when it is there: a browser sets it, a page cannot.
    pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "https://elsewhere.example"}, id="sfs wins"),
    pytest.param({"HTTP_ORIGIN": OWN}, id="old browser, own origin"),
    pytest.param({"HTTP_ORIGIN": "HTTP://TestServer"}, id="own origin, any case"),
    pytest.param({}, id="neither header: not a browser"),
]
REFUSED = [
    pytest.param({"HTTP_SEC_FETCH_SITE": "cross-site"}, "Sec-Fetch-Site: cross-site", id="cross-site"),
    pytest.param({"HTTP_SEC_FETCH_SITE": "same-site"}, "Sec-Fetch-Site: same-site", id="same-site"),
    pytest.param(
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": OWN}, "Sec-Fetch-Site: cross-site", id="sfs wins too"
    ),
    pytest.param({"HTTP_ORIGIN": "null"}, "Origin: null", id="Origin null"),
    pytest.param({"HTTP_ORIGIN": "https://evil.example"}, "Origin: https://evil.example", id="another origin"),
    pytest.param({"HTTP_ORIGIN": "https://testserver"}, "Origin: https://testserver", id="another scheme"),
    pytest.param({"HTTP_ORIGIN": "http://testserver:8080"}, "Origin: http://testserver:8080", id="another port"),
]


@pytest.fixture
def browser(content):
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
@pytest.mark.parametrize("headers", TAKEN)
@pytest.mark.parametrize("path", FORMS)
def test_a_post_the_site_itself_or_no_browser_sent_is_taken_without_a_token(
    browser, path, headers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(path, valid_consultation(source=path), **headers)

    assert response.status_code == 302
    assert response["Location"].startswith("/consultation/thanks/?sent=")
    assert ConsultationRequest.objects.count() == 1
    assert not response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize(("headers", "reason"), REFUSED)
@pytest.mark.parametrize("path", FORMS)
def test_a_post_another_site_made_the_browser_send_is_refused_and_logged(browser, path, headers, reason, caplog):
    with caplog.at_level(logging.INFO, logger="exercises.leads.origin"):
        response = browser.post(path, valid_consultation(source=path), **headers)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your request was not sent" in page
    assert "open the form on our own site and send it again" in page
    assert 'href="/consultation/"' in page
    assert not ConsultationRequest.objects.exists()
    refusals = [r for r in caplog.records if r.name == "exercises.leads.origin" and r.levelno == logging.WARNING]
    assert len(refusals) == 1
    assert reason in refusals[0].getMessage() and path in refusals[0].getMessage()


@pytest.mark.django_db
def test_a_post_with_neither_header_is_logged_at_info_and_meets_the_spam_defences(browser, caplog):
    with caplog.at_level(logging.INFO, logger="exercises.leads.origin"):
        response = browser.post("/consultation/", valid_consultation(website="http://spam.example"))

    assert response.status_code == 302  # the honeypot: quietly dropped
    assert not ConsultationRequest.objects.exists()
    notes = [r for r in caplog.records if r.name == "exercises.leads.origin"]
    assert [r.levelno for r in notes] == [logging.INFO]
    assert "not a browser" in notes[0].getMessage()


@pytest.mark.django_db
def test_a_script_posting_without_browser_headers_is_held_to_the_same_limit_per_address(
    browser, settings, django_capture_on_commit_callbacks
):
    settings.CONSULTATION_RATE_LIMIT = 3
    statuses = []
    for number in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(
                "/consultation/", valid_consultation(email=f"bot{number}@example.com"), REMOTE_ADDR="198.51.100.9"
            )
        statuses.append(response.status_code)

    assert statuses == [302, 302, 302, 429, 429]
    assert "several requests from your connection" in response.content.decode()
    # The same limit for a browser on the same address.
    same_address = browser.post(
        "/consultation/", valid_consultation(), REMOTE_ADDR="198.51.100.9", HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert same_address.status_code == 429


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_origin_must_be_the_https_one(browser, settings, django_capture_on_commit_callbacks):
    settings.ALLOWED_HOSTS = ["strength.example"]
    proxied = {"HTTP_HOST": "strength.example", "HTTP_X_FORWARDED_PROTO": "https"}

    plain = browser.post("/consultation/", valid_consultation(), HTTP_ORIGIN="http://strength.example", **proxied)
    with django_capture_on_commit_callbacks(execute=True):
        secure = browser.post("/consultation/", valid_consultation(), HTTP_ORIGIN="https://strength.example", **proxied)

    assert plain.status_code == 403
    assert secure.status_code == 302


@pytest.mark.django_db
def test_a_trusted_origin_may_post(browser, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.strength.example"]

    response = browser.post("/consultation/", valid_consultation(), HTTP_ORIGIN="https://www.strength.example")

    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("path", FORMS)
def test_reading_the_form_is_never_checked(browser, path):
    assert browser.get(path, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="https://evil.example").status_code == 200


@pytest.mark.django_db
def test_everything_else_keeps_djangos_csrf_token(browser, admin_user):
    login = {"username": admin_user.username, "password": "password"}

    response = browser.post("/admin/login/", login, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN=OWN)

    assert response.status_code == 403  # no token: Fetch Metadata alone is not enough there
    assert "csrfmiddlewaretoken" in browser.get("/admin/login/").content.decode()


@pytest.mark.parametrize(
    ("value", "setting"),
    [
        ("X-Forwarded-Proto: https", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("X-Forwarded-Ssl:on", ("HTTP_X_FORWARDED_SSL", "on")),
        ("off", None),
        ("", None),
    ],
)
def test_the_proxy_ssl_header_setting_reads_as_written_in_env_example(value, setting):
    assert proxy_ssl_header(value) == setting
