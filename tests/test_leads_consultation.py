import email
import html
import multiprocessing
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from exercises.leads import consent
from exercises.leads.delivery import build_email
from exercises.leads.models import ConsultationRequest, Counter, Notification, NotificationStatus
from exercises.leads.views import to_thanks
from tests import burst
from tests.conftest import gunicorn, valid_consultation

CONSULTATION = "/consultation/"
THANKS = "/consultation/thanks/"  # the thank-you page, reached with a signed ?sent= value


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def send(data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(CONSULTATION, data, **extra)

    return send


def error_summary_links(response) -> list[str]:
    summary = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert summary, "no error summary on the page"
    return re.findall(r'href="#(id_\w+)"', summary.group(0))


# --- The happy path --------------------------------------------------------------


@pytest.mark.django_db
def test_valid_request_is_stored_with_its_consent_and_redirects_to_thanks(post, content):
    response = post(
        valid_consultation(source="/compare/leg-press-vs-hip-thrust/"),
        HTTP_USER_AGENT="Mozilla/5.0 Test",
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    assert response["Location"].startswith(THANKS + "?sent=")
    request = ConsultationRequest.objects.get()
    assert request.name == "Maria Lopez"
    assert request.best_time == "morning"
    assert request.consent_text == consent.CONSENT_TEXT[consent.CURRENT_VERSION]
    assert request.consent_version == consent.CURRENT_VERSION
    assert request.consented_at is not None
    assert request.source_comparison.slug == "leg-press-vs-hip-thrust"
    assert request.ip_address == "203.0.113.9"
    assert request.user_agent == "Mozilla/5.0 Test"
    assert request.status == "new"


@pytest.mark.django_db
def test_consent_wording_stored_is_the_wording_the_form_showed(client):
    page = client.get(CONSULTATION).content.decode()
    assert html.escape(consent.CONSENT_TEXT[consent.CURRENT_VERSION], quote=False) in html.unescape(page) or (
        consent.CONSENT_TEXT[consent.CURRENT_VERSION] in html.unescape(page)
    )
    assert 'name="consent"' in page and "checked" not in re.search(r'<input[^>]*name="consent"[^>]*>', page).group(0)
    assert "checked" not in re.search(r'<input[^>]*name="calls_texts_consent"[^>]*>', page).group(0)


@pytest.mark.django_db
def test_a_request_queues_a_staff_alert_and_an_auto_reply(post):
    post(valid_consultation())

    assert {n.status for n in Notification.objects.all()} == {NotificationStatus.SENT}
    staff, reply = sorted(mail.outbox, key=lambda m: m.to != ["coaches@example.com"])
    assert staff.to == ["coaches@example.com"]
    assert staff.reply_to == ["maria@example.com"]
    assert "Maria Lopez" in staff.subject
    assert "I have a bad left knee." in staff.body
    assert "/admin/exercises/consultationrequest/" in staff.body
    assert reply.to == ["maria@example.com"]
    assert "What happens next" in reply.body


@pytest.mark.django_db
def test_thanks_page_says_what_happens_next(client):
    page = client.get(to_thanks()["Location"]).content.decode()
    assert "What happens next".lower() in page.lower()
    assert "within one business day" in page


@pytest.mark.django_db
def test_the_comparison_page_embeds_the_same_form_posting_back_to_the_article(client, content):
    page = client.get("/compare/leg-press-vs-hip-thrust/").content.decode()
    form = re.search(r'<form class="form" method="post" action="([^"]+)"', page)
    assert form and form.group(1) == "/compare/leg-press-vs-hip-thrust/"
    assert 'name="source" value="/compare/leg-press-vs-hip-thrust/"' in page


ARTICLE = "/compare/leg-press-vs-hip-thrust/"


@pytest.mark.django_db
def test_an_error_in_the_articles_form_shows_the_same_article_at_the_form_and_is_never_cached(client, content):
    response = client.post(ARTICLE, valid_consultation(email="jordan@example", name="Jordan Lee", source=ARTICLE))

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Leg Press vs. Hip Thrust: The Showdown" in page  # the article, not /consultation/
    assert "Enter an email address like name@example.com." in page
    assert 'value="Jordan Lee"' in page and 'value="jordan@example"' in page
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not ConsultationRequest.objects.exists()
    assert "Jordan Lee" not in Client().get(ARTICLE).content.decode()  # nobody else sees those answers


@pytest.mark.django_db
def test_a_request_sent_from_the_article_is_stored_and_credits_it(client, content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ARTICLE, valid_consultation(source=ARTICLE))

    assert response.status_code == 302
    assert response["Location"].startswith(THANKS + "?sent=")
    assert ConsultationRequest.objects.get().source_comparison.slug == "leg-press-vs-hip-thrust"


# --- Invalid input -----------------------------------------------------------------


@pytest.mark.django_db
def test_invalid_input_keeps_every_value_and_explains_each_error(post):
    data = valid_consultation(email="not-an-email", preferred_contact="text", phone="", message="Call after 6")

    response = post(data)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Maria Lopez"' in page
    assert 'value="not-an-email"' in page
    assert "Call after 6</textarea>" in page
    assert re.search(r'<input[^>]*value="text"[^>]*checked', page)
    assert error_summary_links(response) == ["id_email", "id_phone", "id_calls_texts_consent"]
    assert 'id="id_phone_error"' in page
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_email_error', page)
    assert not ConsultationRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name."),
        ("name", "x" * 101, "at most 100 characters"),
        ("message", "x" * 2001, "at most 2000 characters"),
        ("goal", "", "Choose your main goal."),
        ("goal", "biceps", "Select a valid choice"),
        ("consent", None, "Please tick this box"),
        ("phone", "call me", "at least 7 digits"),
    ],
)
def test_each_rule_has_a_clear_message(post, field, value, message):
    response = post(valid_consultation(**{field: value}))

    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert f"id_{field}" in error_summary_links(response)


@pytest.mark.django_db
def test_phone_is_needed_for_a_call_and_with_it_the_request_goes_through(post):
    response = post(valid_consultation(preferred_contact="phone", phone="512-555-0134", calls_texts_consent="on"))

    assert response.status_code == 302
    request = ConsultationRequest.objects.get()
    assert request.calls_texts_consent is True
    assert request.calls_texts_consent_text == consent.CALLS_TEXTS_CONSENT_TEXT[consent.CURRENT_VERSION]


@pytest.mark.django_db
def test_a_post_from_the_sites_own_page_needs_no_csrf_token(django_capture_on_commit_callbacks):
    # The page holds no token (it is the same for every reader); the browser's headers say who sent it
    # (every header combination: test_leads_fetch_metadata.py).
    client = Client(enforce_csrf_checks=True)
    assert "csrfmiddlewaretoken" not in client.get(CONSULTATION).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONSULTATION, valid_consultation(), HTTP_SEC_FETCH_SITE="same-origin")

    assert response.status_code == 302
    assert ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_a_post_another_site_made_the_browser_send_is_refused():
    client = Client(enforce_csrf_checks=True)

    response = client.post(CONSULTATION, valid_consultation(), HTTP_SEC_FETCH_SITE="cross-site")

    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()


# --- Spam ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"website": "http://spam.example"}, "honeypot"),
        ({"website": "x", "name": ""}, "honeypot"),  # dropped before it is checked: a bot learns nothing
    ],
)
def test_spam_sees_the_thank_you_page_but_is_not_a_lead(post, overrides, reason):
    response = post(valid_consultation(**overrides))

    assert response.status_code == 302
    assert response["Location"].startswith(THANKS + "?sent=")
    assert not ConsultationRequest.objects.exists()
    assert mail.outbox == []
    assert Counter.objects.get(key=f"spam:{reason}").hits == 1


# --- Header injection -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "Maria\r\nBcc: victim@example.com"},
        {"name": "Maria\nSubject: hacked"},
        {"email": "maria@example.com\r\nBcc: victim@example.com"},
    ],
)
def test_crlf_in_name_or_email_is_refused_by_the_form(post, overrides):
    response = post(valid_consultation(**overrides))

    assert response.status_code == 400
    assert not ConsultationRequest.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_crlf_that_reaches_the_database_adds_no_header_to_any_message(post):
    post(valid_consultation())
    ConsultationRequest.objects.update(name="Maria\r\nBcc: victim@example.com\r\nX-Evil: 1")

    for notification in Notification.objects.all():
        message = build_email(notification)
        parsed = email.message_from_string(message.message().as_string())
        assert "Bcc" not in parsed
        assert "X-Evil" not in parsed
        assert "victim@example.com" not in message.recipients()


# --- Rate limit -------------------------------------------------------------------------


@pytest.mark.django_db
def test_rate_limit_refuses_the_sixth_request_in_an_hour_and_keeps_the_answers(post, settings):
    settings.CONSULTATION_RATE_LIMIT = 5
    for number in range(5):
        assert post(valid_consultation(email=f"m{number}@example.com")).status_code == 302

    response = post(valid_consultation(email="sixth@example.com"))

    assert response.status_code == 429
    page = html.unescape(response.content.decode())
    assert "several requests from your connection" in page
    assert 'value="sixth@example.com"' in page
    assert ConsultationRequest.objects.count() == 5


@pytest.mark.django_db
def test_rate_limit_is_per_address(post, settings):
    settings.CONSULTATION_RATE_LIMIT = 1
    assert post(valid_consultation(), REMOTE_ADDR="198.51.100.1").status_code == 302
    assert post(valid_consultation(), REMOTE_ADDR="198.51.100.2").status_code == 302
    assert post(valid_consultation(), REMOTE_ADDR="198.51.100.1").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_counter_limit_is_exact_under_a_burst_from_many_processes(server_database_url):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 3
    workers = [
        context.Process(target=burst.hammer_counter, args=(server_database_url, start_at, 10, results))
        for _ in range(8)
    ]
    for worker in workers:
        worker.start()
    allowed = sum(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)

    assert allowed == 5


@pytest.mark.django_db(transaction=True)
def test_rate_limit_holds_exactly_across_gunicorn_workers_under_a_concurrent_burst(server_database_url):
    context = multiprocessing.get_context("spawn")
    outcomes = context.Queue()
    with gunicorn(server_database_url, workers=3, DJANGO_CONSULTATION_RATE_LIMIT=5) as base:
        start_at = time.time() + 4
        visitors = [
            context.Process(target=burst.visitor, args=(base, start_at, 2, outcomes, number)) for number in range(6)
        ]
        for visitor in visitors:
            visitor.start()
        results = [outcomes.get(timeout=90) for _ in range(len(visitors) * 2)]
        for visitor in visitors:
            visitor.join(timeout=10)

    accepted = [r for r in results if r == ("ok", base + THANKS)]
    refused = [r for r in results if r == ("error", 429)]
    assert len(accepted) == 5, results
    assert len(refused) == len(results) - 5, results
    assert _stored_rows(server_database_url) == 5


def _stored_rows(database_url: str) -> int:
    import subprocess
    import sys

    from tests.conftest import PROJECT_DIR

    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from exercises.models import ConsultationRequest as C; "
            "print(C.objects.count())",
        ],
        env={**__import__("os").environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(output.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_a_form_sent_the_moment_it_is_opened_is_taken_as_any_other(client, post):
    # No fill-time trap: it needed a start time per visitor in the page. The honeypot and the per-address
    # limit hold bots instead, and a person quick with autofill is never asked twice.
    page = client.get(CONSULTATION).content.decode()
    assert 'name="started"' not in page

    response = post(valid_consultation())

    assert response.status_code == 302
    assert ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_forwarded_address_is_used_only_behind_a_configured_proxy_and_only_if_valid(post, settings):
    settings.NUM_PROXIES = 1
    post(valid_consultation(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    post(valid_consultation(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip<script>")

    assert list(ConsultationRequest.objects.order_by("pk").values_list("ip_address", flat=True)) == [
        "198.51.100.7",
        "10.0.0.1",
    ]


@pytest.mark.django_db
def test_consultation_page_links_exist(client):
    assert client.get(reverse("exercises:consultation")).status_code == 200
    assert client.get(to_thanks()["Location"]).status_code == 200
    assert client.get(reverse("exercises:consultation_thanks")).status_code == 302  # only after a sent form


# --- What the outside attack found -----------------------------------------------------

LINE_BREAKERS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.django_db
@pytest.mark.parametrize("character", LINE_BREAKERS)
@pytest.mark.parametrize("field", ["name", "email", "phone"])
def test_no_single_line_field_takes_a_character_that_breaks_a_mail_header(post, field, character):
    value = {"name": "Eve", "email": "eve@example.com", "phone": "512-555-0134"}[field]
    value = value[:2] + character + value[2:]

    response = post(valid_consultation(**{field: value}))

    assert response.status_code == 400
    assert f"id_{field}" in error_summary_links(response)
    assert not ConsultationRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address", ['"a\x0bb"@example.com', '"eve\x0bBcc:\\ victim@evil.example"@example.com', '"eve"@example.com']
)
def test_an_email_address_in_quotation_marks_is_refused_in_plain_words(post, address):
    response = post(valid_consultation(email=address))

    assert response.status_code == 400
    assert "without quotation marks" in html.unescape(response.content.decode())
    assert not ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_a_page_cached_before_this_release_still_sends_its_old_hidden_fields_without_harm(post):
    # A form opened before the deploy still carries a start time and a CSRF token: both are ignored.
    response = post(valid_consultation(started="an-old-signed-start-time", csrfmiddlewaretoken="x" * 64))

    assert response.status_code == 302
    assert ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_ipv6_visitors_are_counted_per_64_block(post, settings):
    settings.CONSULTATION_RATE_LIMIT = 5
    answers = [post(valid_consultation(), REMOTE_ADDR=f"2001:db8:1:2::{number:x}").status_code for number in range(20)]

    assert answers.count(302) == 5
    assert post(valid_consultation(), REMOTE_ADDR="2001:db8:1:3::1").status_code == 302  # another home


@pytest.mark.django_db
def test_a_blank_form_sent_at_once_shows_the_field_errors_only(client):
    response = client.post(CONSULTATION, {"consent_version": "2026-11-24"})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Enter your name." in page
    assert "quicker than we expected" not in page
    assert not ConsultationRequest.objects.exists()
