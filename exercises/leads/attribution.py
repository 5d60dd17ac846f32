"""First touch: where a visitor landed, what sent them, and the article they read last before the form.

static/js/visit.js keeps these in the tab's sessionStorage (no cookie; the cached pages stay the same for every
reader) and fills the form's hidden fields. Anyone can post anything in them, so every value is cleaned here:
control and format characters go, whitespace collapses, and each is cut to its column's length. A path must be a
path on this site; a host must look like one. What does not fit is dropped, never refused: a visitor's request
must not fail over a tracking link.
"""

import re
import unicodedata
from urllib.parse import urlsplit

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
TEXT_LENGTH = 100
PATH_LENGTH = 200
HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
# Read at most this much of any one value: a 10 KB campaign name costs nothing.
READ_AT_MOST = 2000


def plain_text(value: str, *, length: int = TEXT_LENGTH) -> str:
    """One line of printable text: control (Cc), format (Cf), separator (Zl, Zp) and unassigned characters out."""
    kept = "".join(
        " " if c.isspace() else c
        for c in value[:READ_AT_MOST]
        if c.isspace() or unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    )
    return " ".join(kept.split())[:length].strip()


def site_path(value: str, *, length: int = PATH_LENGTH) -> str:
    """A path on this site ("/compare/x/"), without its query or fragment; "" for anything else."""
    value = plain_text(value, length=READ_AT_MOST)
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    path = urlsplit(value).path
    return path if len(path) <= length and " " not in path else ""


def host(value: str) -> str:
    """A host name ("news.example.com"), lower case, without port or "www."; "" for anything else."""
    value = plain_text(value, length=300).lower().rstrip(".")
    value = value.removeprefix("www.")
    return value if HOST.match(value) else ""


def external_referrer(referer: str, *, own_host: str) -> str:
    """The Referer header's host when it is another site's, for a form sent without JavaScript."""
    try:
        parts = urlsplit(plain_text(referer, length=READ_AT_MOST))
        name = parts.hostname or ""
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or name == own_host.split(":")[0].lower():
        return ""
    return host(name)


def channel(*, utm_source: str, referrer_host: str) -> str:
    """What sent a visitor, in one word for the report: the campaign source, else the other site, else "direct"."""
    return plain_text(utm_source).lower() or host(referrer_host) or "direct"
