"""What the articles bring: for each month, article and source, the reads, the requests and what came of them.

A request counts for the article read last before the form (or, before that was kept, the article it was sent
from) and for the source that first sent the visitor (attribution.channel); one with neither is listed under
"no article". Spam is left out. Reads come from ArticleReads (the beacon); see the report's footnote.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import attribution
from .exports import escape_cell
from .models import ArticleReads, ConsultationRequest, RequestStatus

NO_ARTICLE = "(no article)"


@dataclass(frozen=True)
class ReportRow:
    month: date
    article: str
    source: str
    reads: int
    requests: int
    contacted: int
    booked: int
    won: int

    @property
    def read_to_request(self) -> float | None:
        """Requests per 100 reads; None without reads."""
        return round(100 * self.requests / self.reads, 1) if self.reads else None

    @property
    def request_to_client(self) -> float | None:
        """Clients (won) per 100 requests; None without requests."""
        return round(100 * self.won / self.requests, 1) if self.requests else None


@dataclass(frozen=True)
class ArticleReport:
    rows: list[ReportRow]
    months: list[date]
    totals: ReportRow


def month_of(moment) -> date:
    return timezone.localtime(moment).date().replace(day=1)


def article_report(*, since: date | None = None) -> ArticleReport:
    counts = defaultdict(lambda: [0, 0, 0, 0, 0])  # reads, requests, contacted, booked, won
    reads = ArticleReads.objects.select_related("article")
    if since:
        reads = reads.filter(month__gte=since)
    for row in reads:
        counts[(row.month, row.article.title, row.source)][0] += row.reads
    leads = ConsultationRequest.objects.exclude(status=RequestStatus.SPAM).select_related(
        "article", "source_comparison"
    )
    for lead in leads.only(
        "created_at", "status", "first_contacted_at", "utm_source", "referrer_host", "article", "source_comparison"
    ):
        month = month_of(lead.created_at)
        if since and month < since:
            continue
        article = lead.article or lead.source_comparison
        source = attribution.channel(utm_source=lead.utm_source, referrer_host=lead.referrer_host)
        figures = counts[(month, article.title if article else NO_ARTICLE, source)]
        figures[1] += 1
        figures[2] += lead.first_contacted_at is not None or lead.status not in (RequestStatus.NEW,)
        figures[3] += lead.status in (RequestStatus.BOOKED, RequestStatus.WON)
        figures[4] += lead.status == RequestStatus.WON
    rows = [
        ReportRow(month, article, source, *figures)
        for (month, article, source), figures in sorted(
            counts.items(), key=lambda item: (-item[0][0].toordinal(), item[0][1], item[0][2])
        )
    ]
    totals = ReportRow(date.min, "All articles", "all", *(sum(getattr(row, name) for row in rows) for name in FIGURES))
    return ArticleReport(rows=rows, months=sorted({row.month for row in rows}), totals=totals)


FIGURES = ("reads", "requests", "contacted", "booked", "won")
CSV_COLUMNS = (
    "Month",
    "Article",
    "Source",
    "Reads",
    "Requests",
    "Contacted",
    "Booked",
    "Won",
    "Requests per 100 reads",
    "Clients per 100 requests",
)


def write_report_csv(report: ArticleReport, stream) -> None:
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        values = (f"{row.month:%Y-%m}", row.article, row.source, *(getattr(row, name) for name in FIGURES))
        rates = ("" if rate is None else rate for rate in (row.read_to_request, row.request_to_client))
        writer.writerow([escape_cell(str(value)) for value in (*values, *rates)])


def chart_svg(report: ArticleReport) -> str:
    """Requests and clients per month, as bars: SVG with a title, coloured by admin.css; the table says it all too."""
    by_month = defaultdict(lambda: [0, 0])
    for row in report.rows:
        by_month[row.month][0] += row.requests
        by_month[row.month][1] += row.won
    months = sorted(by_month)
    if not months:
        return ""
    tallest = max(requests for requests, _won in by_month.values()) or 1
    width, height, bar, gap = max(400, 60 * len(months) + 20), 170, 22, 60
    bars = []
    for index, month in enumerate(months):
        requests, won = by_month[month]
        x = 20 + index * gap
        for offset, value, kind in ((0, requests, "requests"), (bar, won, "won")):
            tall = round(120 * value / tallest)
            bars.append((kind, x + offset, 140 - tall, bar - 2, tall, value, x + offset + (bar - 2) / 2, 135 - tall))
        bars.append(("label", x + bar, 160, 0, 0, f"{month:%b %Y}", 0, 0))
    shapes = format_html_join(
        "",
        '<rect class="chart-{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        ((kind, x, y, w, h, value) for kind, x, y, w, h, value, _tx, _ty in bars if kind != "label"),
    )
    numbers = format_html_join(
        "",
        '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((tx, ty, value) for kind, _x, _y, _w, _h, value, tx, ty in bars if kind != "label"),
    )
    labels = format_html_join(
        "",
        '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x, y, value) for kind, x, y, _w, _h, value, _tx, _ty in bars if kind == "label"),
    )
    return format_html(
        '<svg class="report-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="report-chart-title">'
        '<title id="report-chart-title">Requests (light bars) and clients won (dark bars) by month</title>'
        '<line class="chart-axis" x1="10" y1="140" x2="{}" y2="140"/>{}{}{}</svg>',
        width,
        height,
        width - 10,
        shapes,
        numbers,
        labels,
    )
