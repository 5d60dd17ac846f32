"""The admin's live preview: the text as the page will show it, and what the page drops from it.

markdownx posts the editor's text to its preview view, which calls ``preview`` (see
MARKDOWNX_MARKDOWNIFY_FUNCTION). The body is the very HTML saving stores (``render_markdown``), with
its citations numbered by the page's own filter. Above it, one line for each thing the sanitiser
drops (a heading size the page does not use, raw HTML, a picture from outside the library...), saying
what the page does instead, so nothing disappears without a word.
"""

import re
from html.parser import HTMLParser

import markdown
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from ..photos.models import Photo
from ..templatetags.articles import Citations, rich
from .markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    CITATION_MARKER,
    LIBRARY_SOURCE,
    render_markdown,
)
from .models import Reference

# Anything written like a citation; CITATION_MARKER says which of them the page understands.
CITATION_LIKE = re.compile(r"\[ref:([^\]\s]*)\]")
# The page's citation ids ("cite-key-1") are for its way back from the reference list; an admin page
# with several previews would repeat them.
CITATION_ID = re.compile(r' id="cite-[a-z0-9-]+-[0-9]+"')
HEADINGS = {"h1": "#", "h2": "##", "h5": "#####", "h6": "######"}
DROPPED_WITH_CONTENT = {"script", "style"}


def preview(text: str) -> str:
    citations = Citations()
    body = CITATION_ID.sub("", rich(render_markdown(text), citations))
    return render_to_string(
        "admin/exercises/markdown_preview.html",
        {
            "warnings": warnings(text),
            "body": mark_safe(body),  # noqa: S308 - nh3's output, with the page's own citation markup
            "cited": citations.references,
        },
    )


def warnings(text: str) -> list[str]:
    """What the page drops from this text, each with what it does instead, in the order they appear."""
    found = [*_markup_warnings(text or ""), *_citation_warnings(text or "")]
    return list(dict.fromkeys(found))


def _citation_warnings(text: str) -> list[str]:
    found = []
    for written in CITATION_LIKE.findall(text):
        if not CITATION_MARKER.fullmatch(f"[ref:{written}]"):
            found.append(
                f"“[ref:{written}]” is not a citation the page understands (a key is lowercase letters, digits "
                "and hyphens), so it shows exactly as typed."
            )
    keys = list(dict.fromkeys(CITATION_MARKER.findall(text)))
    known = set(Reference.objects.filter(key__in=keys).values_list("key", flat=True))
    for key in keys:
        if key not in known:
            found.append(
                f"No reference has the key “{key}”, so the page leaves “[ref:{key}]” out and saving will refuse "
                "it. Add the study under References first, or pick one with the Cite button."
            )
    return found


def _markup_warnings(text: str) -> list[str]:
    reader = _MarkupReader()
    reader.feed(markdown.markdown(text, output_format="html"))
    reader.close()
    return reader.found


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(60)


class _MarkupReader(HTMLParser):
    """Reads the HTML Markdown makes, before the sanitiser, for what the sanitiser will drop."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.heading = None  # (tag, text so far) while inside a heading the page drops
        self.link = None  # (href, text so far) while inside a link the page cannot keep

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HEADINGS:
            self.heading = (tag, "")
        elif tag == "img":
            if warning := self._picture(attributes):
                self.found.append(warning)
            return
        elif tag == "a" and _unsafe_href(attributes.get("href")):
            self.link = (attributes["href"], "")
        elif tag == "hr":
            self.found.append("A divider line (---) is left out: the page has no dividers.")
        elif tag == "pre":
            self.found.append(
                "Lines indented by four spaces make a code block, which the page shows as ordinary text in "
                "code type, without its line breaks. Remove the indent for a normal paragraph."
            )
        elif tag in DROPPED_WITH_CONTENT:
            self.found.append(f"The HTML <{tag}> is removed, with everything inside it.")
        elif tag not in ALLOWED_TAGS:
            self.found.append(f"The HTML tag <{tag}> is removed; the text inside it stays, as plain text.")
        kept = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        for name in attributes.keys() - kept - {"title"}:
            if tag in ALLOWED_TAGS:
                self.found.append(f'The page drops {name}="…" from <{tag}>; the rest of it stays.')

    def handle_data(self, data):
        if self.heading:
            self.heading = (self.heading[0], self.heading[1] + data)
        if self.link:
            self.link = (self.link[0], self.link[1] + data)

    def handle_endtag(self, tag):
        if self.heading and tag == self.heading[0]:
            marks = HEADINGS[tag]
            self.found.append(
                f"“{marks} {_short(self.heading[1])}” is a heading size the page does not use, so it shows as "
                "plain text. Start the line with ### (or #### for a smaller one) for a heading here."
            )
            self.heading = None
        if self.link and tag == "a":
            href, words = self.link
            self.found.append(
                f"The link “{_short(words)}” goes to “{_short(href)}”, which is not a web or email address, so "
                "the page shows its words without a link. Use an address that starts with https://."
            )
            self.link = None

    def _picture(self, attributes) -> str | None:
        alt, source = attributes.get("alt", ""), attributes.get("src", "")
        # The page's own rendering decides which pictures it keeps (those of the photo library).
        kept = render_markdown(f"![{alt}]({source})")
        placed = LIBRARY_SOURCE.fullmatch(source)
        if "<img" in kept and placed and Photo.objects.filter(key=placed.group(1)).exists():
            return None
        described = f"The picture “{_short(alt)}”" if alt else "A picture"
        if source.startswith("image:"):
            return (
                f"{described}: no picture in the photo library has the key “{_short(source[6:])}”, so the page "
                "leaves it out. Pick one with the Image button."
            )
        return (
            f"{described} comes from outside the photo library ({_short(source)}), so the page leaves it out. "
            "Add it to the photo library, then insert it with the Image button."
        )


def _unsafe_href(href: str | None) -> bool:
    if not href:
        return False
    scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", href)
    return scheme is not None and scheme.group(1).lower() not in ALLOWED_URL_SCHEMES
