"""Template helpers for rendering stored article HTML."""

from dataclasses import dataclass
from string import ascii_lowercase

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from exercises.markdown import CITATION_LINK

register = template.Library()


class Citations:
    """Numbers the references a page cites, in the order the reader meets them.

    One instance lives for one page render: the text filter assigns numbers
    as the template reaches each citation, and the reference list at the end
    of the page lists them in that order. A citation whose reference has been
    deleted is dropped rather than left pointing at nothing.
    """

    def __init__(self):
        self.numbers: dict[str, int] = {}
        self.times_cited: dict[str, int] = {}
        self._known = None

    def number(self, key: str) -> int | None:
        if self._known is None:
            from exercises.models import Reference

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

    return mark_safe(CITATION_LINK.sub(replace, html or ""))  # noqa: S308 - sanitised by nh3 on save
