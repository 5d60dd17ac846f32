"""Markdown to safe HTML, done once when content is saved.

The same function backs the admin's live preview (MARKDOWNX_MARKDOWNIFY_FUNCTION),
so staff see exactly what readers will get.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {"p", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "h3", "h4", "br", "sup", "img"}
# "*": nothing, or nh3 would keep its default title and lang attributes on every tag.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "*": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# "![what it shows](image:key)" places the photo library's picture with that key. It is stored as that
# <img>; the page swaps in the photo's <picture> when it renders (see templatetags). A picture from
# anywhere else is dropped: the page shows only the gym's own, at sizes made for it.
LIBRARY_SOURCE = re.compile(r"image:([A-Za-z0-9_-]+)")
LIBRARY_MARKER = re.compile(r"(?:\]\(|src=[\"'])image:([A-Za-z0-9_-]+)")
PICTURE = re.compile(r"(<p>)?<img\b([^>]*)>(</p>)?")
ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')

# "[ref:jscr-2018]" cites the Reference with that key. It is stored as a
# fragment link; the page numbers it when it renders (see templatetags).
CITATION_MARKER = re.compile(r"\[ref:([a-z0-9][a-z0-9-]*)\]")
CITATION_LINK = re.compile(r'<sup><a href="#ref-([a-z0-9-]+)"[^>]*>[^<]*</a></sup>')


def _library_sources_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if LIBRARY_SOURCE.fullmatch(value) else None
    return value


def _drop_unplaced_pictures(match: re.Match) -> str:
    opened, closed = match.group(1) or "", match.group(3) or ""
    if 'src="image:' in match.group(2):
        return match.group(0)
    return "" if opened and closed else opened + closed


def sanitize_html(html: str) -> str:
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES | {"image"},
        attribute_filter=_library_sources_only,
        link_rel="noopener noreferrer",
    )
    return PICTURE.sub(_drop_unplaced_pictures, clean)


def placed_pictures(html: str) -> list[tuple[str, str, bool]]:
    """(key, alt text, alone in its paragraph) for each library picture the stored HTML places."""
    found = []
    for match in PICTURE.finditer(html or ""):
        attributes = dict(ATTRIBUTE.findall(match.group(2)))
        if source := LIBRARY_SOURCE.fullmatch(attributes.get("src", "")):
            found.append((source.group(1), attributes.get("alt", ""), bool(match.group(1) and match.group(3))))
    return found


def render_markdown(text: str) -> str:
    source = CITATION_MARKER.sub(r'<sup><a href="#ref-\1">\1</a></sup>', text or "")
    return sanitize_html(markdown.markdown(source, output_format="html"))


def cited_keys(text: str) -> list[str]:
    return CITATION_MARKER.findall(text or "")


def placed_keys(text: str) -> list[str]:
    """The photo keys a Markdown text places, as written: ![…](image:key) or <img src="image:key">."""
    return LIBRARY_MARKER.findall(text or "")
