"""What the articles bring: the read beacon (counts only, no cookie) and the report by month, article and source,
checked against generated data: 3 articles, 200 requests over 3 months and several sources."""

import csv
import datetime
import io
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from exercises.leads import reports
from exercises.leads.models import ArticleReads, ConsultationRequest, RequestStatus
from exercises.writing.models import Status
from tests.conftest import make_comparison, make_exercise

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
BEACON = "/read/"
REPORT = "/admin/exercises/articlereads/"
MONTHS = [datetime.date(2026, 9, 1), datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)]
SOURCES = [("newsletter", ""), ("", "google.com"), ("", ""), ("Instagram", "l.instagram.com")]


def channel(utm_source, referrer_host):
    return utm_source.lower() or referrer_host or "direct"


@pytest.fixture
def articles():
    squat, press, thrust, bridge = (make_exercise(name) for name in ("Squat", "Leg Press", "Hip Thrust", "Bridge"))
    return [make_comparison(squat, press), make_comparison(thrust, bridge), make_comparison(squat, thrust)]


@pytest.fixture
def generated(articles):
    """200 requests and the reads behind them; returns what the report must say, counted here on its own."""
    rng = random.Random(24)
    expected = defaultdict(lambda: [0, 0, 0, 0, 0])
    leads = []
    for number in range(200):
        month = rng.choice(MONTHS)
        created = datetime.datetime(month.year, month.month, rng.randint(1, 28), rng.randint(0, 23), tzinfo=CHICAGO)
        article = rng.choice([*articles, None])
        utm_source, referrer_host = rng.choice(SOURCES)
        status = rng.choice(list(RequestStatus))
        contacted = (
            created + datetime.timedelta(hours=2) if status != RequestStatus.NEW and rng.random() < 0.9 else None
        )
        leads.append(
            ConsultationRequest(
                name=f"Lead {number}",
                email=f"lead{number}@example.com",
                goal="glutes",
                consent=True,
                consent_text="Yes.",
                consent_version="v",
                consented_at=created,
                created_at=created,
                status=status,
                first_contacted_at=contacted,
                utm_source=utm_source,
                referrer_host=referrer_host,
                article=article,
            )
        )
        if status == RequestStatus.SPAM:
            continue
        figures = expected[(month, article.title if article else "(no article)", channel(utm_source, referrer_host))]
        figures[1] += 1
        figures[2] += contacted is not None or status != RequestStatus.NEW
        figures[3] += status in (RequestStatus.BOOKED, RequestStatus.WON)
        figures[4] += status == RequestStatus.WON
    ConsultationRequest.objects.bulk_create(leads)
    reads = []
    for month in MONTHS:
        for article in articles:
            for utm_source, referrer_host in SOURCES:
                count = rng.randint(0, 400)
                reads.append(
                    ArticleReads(month=month, article=article, source=channel(utm_source, referrer_host), reads=count)
                )
                expected[(month, article.title, channel(utm_source, referrer_host))][0] += count
    ArticleReads.objects.bulk_create(reads)
    return dict(expected)  # every key made by a request that is not spam, or by a month's reads


def as_dict(report):
    return {
        (row.month, row.article, row.source): [row.reads, row.requests, row.contacted, row.booked, row.won]
        for row in report.rows
    }


def test_the_report_matches_the_generated_data_exactly(generated):
    report = reports.article_report()

    assert as_dict(report) == generated
    assert report.totals.requests == sum(figures[1] for figures in generated.values())
    assert report.totals.requests == ConsultationRequest.objects.exclude(status=RequestStatus.SPAM).count()
    assert report.months == MONTHS
    assert [row.month for row in report.rows] == sorted((row.month for row in report.rows), reverse=True)


def test_the_rates_are_per_100_and_blank_without_a_base():
    row = reports.ReportRow(MONTHS[0], "A", "direct", reads=400, requests=6, contacted=5, booked=3, won=2)
    assert (row.read_to_request, row.request_to_client) == (1.5, 33.3)
    empty = reports.ReportRow(MONTHS[0], "A", "direct", reads=0, requests=0, contacted=0, booked=0, won=0)
    assert (empty.read_to_request, empty.request_to_client) == (None, None)


def test_the_report_page_and_its_csv_show_every_figure(admin_client, generated):
    page = admin_client.get(REPORT).content.decode()
    assert "What the articles bring" in page and '<svg class="report-chart"' in page
    assert "How this is counted." in page
    total = sum(figures[1] for figures in generated.values())
    assert (
        f'<th scope="row" colspan="3">All</th><td class="number">{sum(f[0] for f in generated.values())}</td>' in page
    )
    assert f'<td class="number">{total}</td>' in page

    response = admin_client.get(reverse("admin:exercises_articlereads_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    from_csv = {
        (datetime.date.fromisoformat(row["Month"] + "-01"), row["Article"], row["Source"]): [
            int(row[name]) for name in ("Reads", "Requests", "Contacted", "Booked", "Won")
        ]
        for row in rows
    }
    assert from_csv == generated


def test_a_hostile_source_is_escaped_in_the_report_and_guarded_in_the_csv(admin_client, articles):
    ArticleReads.objects.create(month=MONTHS[0], article=articles[0], source="=cmd|' /C calc'!A0", reads=1)
    ArticleReads.objects.create(month=MONTHS[0], article=articles[0], source="<script>x</script>", reads=1)
    page = admin_client.get(REPORT).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    text = admin_client.get(reverse("admin:exercises_articlereads_csv")).content.decode("utf-8-sig")
    assert "'=cmd|" in text


def test_only_staff_who_may_see_it_open_the_report(client, articles):
    assert client.get(REPORT).status_code == 302
    assert client.get(reverse("admin:exercises_articlereads_csv")).status_code == 302


# --- The read beacon ------------------------------------------------------------------------------------


def beacon(client, path, **extra):
    data = {"path": path, "utm_source": extra.pop("utm_source", ""), "referrer_host": extra.pop("referrer_host", "")}
    return client.post(BEACON, data, **{"HTTP_SEC_FETCH_SITE": "same-origin", **extra})


def test_a_read_is_counted_by_month_article_and_source_and_nothing_else_is_kept(client, articles):
    article = articles[0]
    path = article.get_absolute_url()

    for _ in range(3):
        response = beacon(client, path, utm_source="Newsletter")
        assert response.status_code == 204 and not response.cookies
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    beacon(client, path, referrer_host="www.google.com")
    beacon(client, path)

    counted = {row.source: row.reads for row in ArticleReads.objects.filter(article=article)}
    assert counted == {"newsletter": 3, "google.com": 1, "direct": 1}
    assert {field.name for field in ArticleReads._meta.fields} == {"id", "month", "article", "source", "reads"}


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
    ],
)
def test_other_sites_and_bots_are_not_counted(client, articles, extra):
    assert beacon(client, articles[0].get_absolute_url(), **extra).status_code == 204
    assert not ArticleReads.objects.exists()


def test_drafts_other_pages_and_staff_are_not_counted(client, admin_client, articles):
    draft = make_comparison(
        make_exercise("Deadlift"), make_exercise("Rack Pull"), status=Status.DRAFT, published_at=None
    )
    for path in (draft.get_absolute_url(), "/consultation/", "/compare/no-such/", "//evil.example/", ""):
        assert beacon(client, path).status_code == 204
    beacon(admin_client, articles[0].get_absolute_url())
    assert not ArticleReads.objects.exists()


def test_the_beacon_is_a_post(client):
    assert client.get(BEACON).status_code == 405


def test_a_long_hostile_source_is_cut_and_cleaned(client, articles):
    beacon(client, articles[0].get_absolute_url(), utm_source="\x00=HYPERLINK(" + "x" * 10_000)
    assert ArticleReads.objects.get().source == ("=hyperlink(" + "x" * 100)[:100]


def test_the_article_page_sends_its_read_to_the_beacon(client, articles):
    page = client.get(articles[0].get_absolute_url()).content.decode()
    assert f'data-article data-read="{BEACON}"' in page


def test_the_privacy_page_says_reads_are_counted_and_nothing_about_the_reader_is_kept(client):
    page = client.get("/privacy/").content.decode()
    assert "adds one to a count of that article" in page and "nothing about you is sent or kept" in page
