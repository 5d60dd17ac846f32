"""First-touch attribution: where a visit began, what sent it and the article read last, carried by the form's
hidden fields (static/js/visit.js fills them from the tab's sessionStorage), cleaned, shown, exported, erased;
and no cached page changes for any reader."""

import csv
import io

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from exercises.leads import attribution, privacy
from exercises.leads.models import ConsultationRequest
from exercises.pagecache import mark_stale
from tests.conftest import valid_consultation
from tests.test_leads_inbox import CHANGELIST, EXPORT, change_url, read_csv

pytestmark = pytest.mark.django_db

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
FIRST_TOUCH = {
    "landing_page": ARTICLE,
    "referrer_host": "news.example.com",
    "utm_source": "newsletter",
    "utm_medium": "email",
    "utm_campaign": "dec",
    "utm_term": "glutes",
    "utm_content": "top-link",
    "last_article": ARTICLE,
}


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    def post(path="/consultation/", headers=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                path, valid_consultation(**fields), HTTP_SEC_FETCH_SITE="same-origin", **headers or {}
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return ConsultationRequest.objects.latest("pk")

    return post


# --- What is stored --------------------------------------------------------------------------------------


def test_a_request_keeps_where_the_visit_began_and_the_article_read_last(send, content):
    lead = send(**FIRST_TOUCH)

    assert (lead.landing_path, lead.referrer_host) == (ARTICLE, "news.example.com")
    assert (lead.utm_source, lead.utm_medium, lead.utm_campaign) == ("newsletter", "email", "dec")
    assert (lead.utm_term, lead.utm_content) == ("glutes", "top-link")
    assert lead.article_path == ARTICLE and lead.article.slug == "leg-press-vs-hip-thrust"
    assert lead.source_path == "/consultation/"  # the page the form was sent from, as before


def test_the_staff_alert_says_where_the_visit_began(send, content):
    send(**FIRST_TOUCH)
    alert = next(message for message in mail.outbox if "coaches@example.com" in message.to)
    assert "Read last:         Leg Press vs Hip Thrust" in alert.body
    assert f"Landed on:         {ARTICLE}" in alert.body
    assert "Came from:         news.example.com" in alert.body
    assert "Campaign:          newsletter / email / dec" in alert.body


def test_without_javascript_the_form_page_and_an_external_referer_still_count(send, content):
    lead = send(path=ARTICLE, source=ARTICLE, headers={"HTTP_REFERER": "https://www.Google.com/search?q=x"})
    assert lead.referrer_host == "google.com"
    assert lead.article.slug == "leg-press-vs-hip-thrust" and lead.article_path == ARTICLE  # sent from it
    assert lead.landing_path == "" and lead.utm_source == ""  # not known without the script: never guessed

    own = send(headers={"HTTP_REFERER": "http://testserver/compare/leg-press-vs-hip-thrust/"})
    assert own.referrer_host == ""  # our own page is not where they came from


def test_an_article_that_does_not_exist_is_not_credited(send):
    lead = send(last_article="/compare/no-such-article/")
    assert lead.article is None and lead.article_path == ""


# --- Bad input -------------------------------------------------------------------------------------------

HOSTILE = {
    "landing_page": "javascript:alert(1)",
    "referrer_host": '"><script>alert(1)</script>',
    "utm_source": '=HYPERLINK("http://evil.example/","click")',
    "utm_medium": "a\r\nBcc: victim@example.com",
    "utm_campaign": "x" * 10_240,
    "utm_term": "\u202eevil\u200b\x00\x1b[31m",
    "utm_content": "<img src=x onerror=alert(1)>",
    "last_article": "//evil.example/compare/x/",
}


def test_hostile_values_are_stored_safely_or_dropped_and_never_refuse_the_request(send):
    lead = send(**HOSTILE)

    assert lead.landing_path == "" and lead.referrer_host == "" and lead.article_path == ""
    assert lead.utm_source == '=HYPERLINK("http://evil.example/","click")'  # text; the CSV guards it
    assert lead.utm_medium == "a Bcc: victim@example.com"  # one line: nothing for a header to take
    assert lead.utm_campaign == "x" * 100
    assert lead.utm_term == "evil[31m"
    assert lead.utm_content == "<img src=x onerror=alert(1)>"  # escaped wherever it is shown


def test_hostile_values_are_escaped_in_the_admin_the_csv_and_the_email(send, admin_client):
    lead = send(**HOSTILE)

    for url in (change_url(lead), CHANGELIST, CHANGELIST + "?utm_content=x"):
        response = admin_client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "<img src=x" not in page and "<script>alert(1)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in admin_client.get(change_url(lead)).content.decode()

    row = read_csv(admin_client.get(EXPORT))[0]
    assert row["Campaign source"] == '\'=HYPERLINK("http://evil.example/","click")'
    assert row["Campaign content"] == "<img src=x onerror=alert(1)>"

    alert = next(message for message in mail.outbox if "coaches@example.com" in message.to)
    assert "Bcc" not in alert.message().as_string().split("\n\n", 1)[0]  # no header added
    assert "\r" not in alert.body.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/compare/x/?utm_source=a#top", "/compare/x/"),
        ("/" + "a" * 300, ""),
        ("https://evil.example/", ""),
        ("/\\evil.example", ""),
        ("/ spaced /", ""),
    ],
)
def test_paths_are_paths_on_this_site(value, expected):
    assert attribution.site_path(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("WWW.Example.COM.", "example.com"),
        ("l.facebook.com", "l.facebook.com"),
        ("evil.example/path", ""),
        ("a" * 64 + ".com", ""),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("", ""),
    ],
)
def test_hosts_are_host_names(value, expected):
    assert attribution.host(value) == expected


def test_a_broken_referer_header_is_ignored():
    assert attribution.external_referrer("http://[::1", own_host="testserver") == ""
    assert attribution.external_referrer("ftp://files.example.com/", own_host="testserver") == ""
    assert attribution.external_referrer("https://testserver:8000/x", own_host="testserver:8000") == ""


# --- The inbox, the CSV, erasure, the privacy page ------------------------------------------------------


def test_the_inbox_filters_by_campaign_source_campaign_and_referring_site(send, admin_client):
    send(name="From News", email="news@example.com", **FIRST_TOUCH)
    send(name="From Ads", email="ads@example.com", utm_source="ads", utm_campaign="spring")
    send(name="Plain Visit", email="plain@example.com")

    page = admin_client.get(CHANGELIST).content.decode()
    for title in ("campaign source", "campaign", "came from (site)"):
        assert f'data-filter-title="{title}"' in page
    assert 'href="?utm_source=newsletter"' in page and 'href="?utm_campaign=spring"' in page

    def names(query):
        return sorted(lead.name for lead in admin_client.get(CHANGELIST, query).context["cl"].result_list)

    assert names({"utm_source": "newsletter"}) == ["From News"]
    assert names({"utm_campaign": "spring"}) == ["From Ads"]
    assert names({"referrer_host": "news.example.com"}) == ["From News"]


def test_the_csv_has_every_first_touch_field(send, admin_client, content):
    send(**FIRST_TOUCH)
    row = read_csv(admin_client.get(EXPORT))[0]
    assert {key: row[key] for key in row if key.startswith(("Landing", "Came", "Campaign", "Article"))} == {
        "Landing page": ARTICLE,
        "Came from (site)": "news.example.com",
        "Campaign source": "newsletter",
        "Campaign medium": "email",
        "Campaign": "dec",
        "Campaign term": "glutes",
        "Campaign content": "top-link",
        "Article read last": ARTICLE,
        "Article read last (title)": "Leg Press vs Hip Thrust",
    }
    assert "First contacted" in row


def test_the_leads_page_shows_where_it_came_from(send, admin_client, content):
    lead = send(**FIRST_TOUCH)
    page = admin_client.get(change_url(lead)).content.decode()
    for label, value in [("Landing page", ARTICLE), ("Came from (site)", "news.example.com"), ("Campaign", "dec")]:
        assert f"<label>{label}:</label>" in page and value in page


def test_erasure_clears_where_the_visit_began(send, content):
    lead = send(**FIRST_TOUCH)
    privacy.erase_personal_data([lead], by="coach")
    lead.refresh_from_db()
    assert [getattr(lead, field) for field in privacy.ERASED if field not in ("ip_address", "article")] == [""] * 14
    assert lead.article is None and lead.source_path == "/consultation/"  # the count of where it was sent stays


def test_the_privacy_page_says_what_is_kept_and_that_no_cookie_carries_it(client):
    page = client.get("/privacy/").content.decode()
    assert "how your visit began" in page
    assert "<code>utm_campaign</code>" in page and "the article you read last before the form" in page
    assert "not a cookie" in page


# --- No cookie, and the same bytes for every reader -----------------------------------------------------


def test_two_readers_one_from_a_campaign_get_the_same_bytes_and_no_cookie(client, content):
    from django.test import Client

    plain = client.get(ARTICLE)
    mark_stale()  # the campaign reader's page is rendered afresh: anything of theirs would show in it
    campaign = Client().get(
        ARTICLE + "?utm_source=newsletter&utm_medium=email&utm_campaign=dec",
        HTTP_REFERER="https://news.example.com/issue-12",
    )
    cached = Client().get(ARTICLE + "?utm_source=other", HTTP_REFERER="https://elsewhere.example/")

    assert plain.status_code == campaign.status_code == cached.status_code == 200
    assert plain.content == campaign.content == cached.content
    assert b"newsletter" not in campaign.content and b"news.example.com" not in campaign.content
    for response in (plain, campaign, cached):
        assert not response.cookies and "Set-Cookie" not in response
    page = plain.content.decode()
    assert '<input type="hidden" name="utm_source" id="id_utm_source">' in page  # empty: visit.js fills it
    assert 'src="/static/js/visit.js" defer' in page and "data-article" in page


# --- The migration --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_credits_the_article_a_past_request_was_sent_from_and_guesses_nothing_else(content):
    before = ("exercises", "0012_erasure_cancels_owed_emails")
    after = ("exercises", "0013_lead_first_touch_attribution")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    Request = old.get_model("exercises", "ConsultationRequest")
    comparison = old.get_model("exercises", "Comparison").objects.get(slug="leg-press-vs-hip-thrust")
    now = timezone.now()
    common = {"goal": "glutes", "consent": True, "consent_text": "Yes.", "consent_version": "v", "consented_at": now}
    from_article = Request.objects.create(
        name="A", email="a@example.com", source_path=ARTICLE, source_comparison=comparison, **common
    )
    from_form = Request.objects.create(name="B", email="b@example.com", source_path="/consultation/", **common)

    try:
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps.get_model("exercises", "ConsultationRequest")
        moved = new.objects.get(pk=from_article.pk)
        assert (moved.article_id, moved.article_path) == (comparison.pk, ARTICLE)
        assert (moved.landing_path, moved.referrer_host, moved.utm_source) == ("", "", "")
        untouched = new.objects.get(pk=from_form.pk)
        assert (untouched.article_id, untouched.article_path, untouched.landing_path) == (None, "", "")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_csv_reads_back(send, admin_client):
    send(**FIRST_TOUCH)
    text = admin_client.get(EXPORT).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 2
