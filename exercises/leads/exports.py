"""CSV export of consultation requests, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable

from django.utils import timezone

from .models import ConsultationRequest

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (CSV injection); a leading apostrophe makes it plain text.
# The fullwidth signs too: spreadsheets in East Asian locales read them as the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Every field staff may need in a spreadsheet; values a visitor chose pass escape_cell like any other.
COLUMNS = (
    ("Received", lambda r: local_time(r.created_at)),
    ("Status", lambda r: r.get_status_display()),
    ("Archived", lambda r: "yes" if r.archived else "no"),
    ("Name", lambda r: r.name),
    ("Email", lambda r: r.email),
    ("Phone", lambda r: r.phone),
    ("Main goal", lambda r: r.get_goal_display()),
    ("Preferred contact", lambda r: r.get_preferred_contact_display()),
    ("Best time", lambda r: r.get_best_time_display()),
    ("Message", lambda r: r.message),
    ("Source page", lambda r: r.source_path),
    ("Source comparison", lambda r: r.source_comparison.title if r.source_comparison else ""),
    ("Landing page", lambda r: r.landing_path),
    ("Came from (site)", lambda r: r.referrer_host),
    ("Campaign source", lambda r: r.utm_source),
    ("Campaign medium", lambda r: r.utm_medium),
    ("Campaign", lambda r: r.utm_campaign),
    ("Campaign term", lambda r: r.utm_term),
    ("Campaign content", lambda r: r.utm_content),
    ("Article read last", lambda r: r.article_path),
    ("Article read last (title)", lambda r: r.article.title if r.article else ""),
    ("First contacted", lambda r: local_time(r.first_contacted_at)),
    ("Calls/texts consent", lambda r: "yes" if r.calls_texts_consent else "no"),
    ("Consent version", lambda r: r.consent_version),
    ("Staff notes", lambda r: r.staff_notes),
)


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def escape_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def write_requests_csv(requests: Iterable[ConsultationRequest], stream) -> None:
    # A byte-order mark tells Excel the file is UTF-8; without it "Zoë Núñez" opens as "ZoÃ« NÃºÃ±ez".
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([title for title, _ in COLUMNS])
    for request in requests:
        writer.writerow([escape_cell(str(value(request))) for _, value in COLUMNS])
