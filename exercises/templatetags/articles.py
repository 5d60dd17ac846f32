"""Template helpers for rendering stored article HTML."""

from dataclasses import dataclass
from html import unescape
from string import ascii_lowercase

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from exercises.writing.markdown import ATTRIBUTE, CITATION_LINK, LIBRARY_SOURCE, PICTURE

# A photo placed in a text spans the text's column: the column's width where it fits, the screen's on a phone.
TEXT_PICTURE_SIZES = "(min-width: 48rem) 42rem, calc(100vw - 2rem)"

register = template.Library()


class Citations:
    """Numbers the references a page cites, in the order the reader meets them.

    One instance lives for one page render: the text filter assigns numbers
    as the template reaches each citation, and the reference list at the end
    of the page lists them in that order. A citation whose reference has been
    deleted is dropped rather than left pointing at nothing.
    """

    def __init__(self, references=None):
        """``references``: every Reference, when the page has read them already; else read at the first citation."""
        self.numbers: dict[str, int] = {}
        self.times_cited: dict[str, int] = {}
        self._known = None if references is None else {ref.key: ref for ref in references}
        self._photos = None

    def photo(self, key: str):
        """The library photo a text places with this key, with its renditions; None once it is gone."""
        if self._photos is None:
            from exercises.photos.models import Photo

            self._photos = {photo.key: photo for photo in Photo.objects.prefetch_related("renditions")}
        return self._photos.get(key)

    def number(self, key: str) -> int | None:
        if self._known is None:
            from exercises.writing.models import Reference

            self._known = {ref.key: ref for ref in Reference.objects.all()}
        if key not in self._known:
            return None
        return self.numbers.setdefault(key, len(self.numbers) + 1)

    def cite(self, key: str) -> tuple[int, str] | None:
        """This citation's number and the id of its place in the text, for the reference's way back."""
        number = self.number(key)
        if number is None:
            return None
        self.times_cited[key] = self.times_cited.get(key, 0) + 1
        return number, f"cite-{key}-{self.times_cited[key]}"

    @property
    def references(self) -> list["CitedReference"]:
        return [
            CitedReference(number, self._known[key], self.times_cited.get(key, 0))
            for key, number in self.numbers.items()
        ]


@dataclass(frozen=True)
class CitedReference:
    number: int
    reference: object
    times_cited: int

    @property
    def backlinks(self) -> list[tuple[str, str]]:
        """(place in the text, its label): "↩" for one place; "↩ a b" for two, as encyclopaedias do."""
        places = [f"cite-{self.reference.key}-{n}" for n in range(1, self.times_cited + 1)]
        if len(places) == 1:
            return [(places[0], "↩")]
        return list(zip(places, ascii_lowercase, strict=False))


@register.filter
def rich(html: str, citations: Citations | None = None):
    """Mark stored, already-sanitised HTML safe and number its citations."""

    def replace(match):
        key = match.group(1)
        cited = citations.cite(key) if citations is not None else None
        if cited is None:
            return ""
        number, place = cited
        return str(
            format_html(
                '<sup class="cite" id="{}"><a href="#ref-{}" aria-label="Reference {}">[{}]</a></sup>',
                place,
                key,
                number,
                number,
            )
        )

    library = citations if citations is not None else Citations()

    def place(match):
        attributes = dict(ATTRIBUTE.findall(match.group(2)))
        source = LIBRARY_SOURCE.fullmatch(attributes.get("src", ""))
        photo = library.photo(source.group(1)) if source else None
        if photo is None or photo.fallback is None:
            return "" if match.group(1) and match.group(3) else (match.group(1) or "") + (match.group(3) or "")
        # The stored attribute is HTML already (nh3 wrote "&amp;"); the template escapes the plain words once.
        alt = unescape(attributes.get("alt", "")) or photo.alt
        context = {"photo": photo, "alt": alt, "sizes": TEXT_PICTURE_SIZES}
        if match.group(1) and match.group(3):
            return render_to_string("includes/photo_figure.html", context)
        return (match.group(1) or "") + render_to_string("includes/picture.html", context) + (match.group(3) or "")

    html = CITATION_LINK.sub(replace, html or "")
    if "<img" in html:
        html = PICTURE.sub(place, html)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 on save; pictures from the site's own templates
