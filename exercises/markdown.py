"""Markdown to safe HTML, done once when content is saved.

The same function backs the admin's live preview (MARKDOWNX_MARKDOWNIFY_FUNCTION),
so staff see exactly what readers will get.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {"p", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "h3", "h4", "br", "sup"}
# "*": nothing, or nh3 would keep its default title and lang attributes on every tag.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "*": set()}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# "[ref:jscr-2018]" cites the Reference with that key. It is stored as a
# fragment link; the page numbers it when it renders (see templatetags).
CITATION_MARKER = re.compile(r"\[ref:([a-z0-9][a-z0-9-]*)\]")
CITATION_LINK = re.compile(r'<sup><a href="#ref-([a-z0-9-]+)"[^>]*>[^<]*</a></sup>')


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    source = CITATION_MARKER.sub(r'<sup><a href="#ref-\1">\1</a></sup>', text or "")
    return sanitize_html(markdown.markdown(source, output_format="html"))


def cited_keys(text: str) -> list[str]:
    return CITATION_MARKER.findall(text or "")
