"""Template helpers for rendering stored article HTML."""

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
        self._known = None

    def number(self, key: str) -> int | None:
        if self._known is None:
            from exercises.models import Reference

            self._known = {ref.key: ref for ref in Reference.objects.all()}
        if key not in self._known:
            return None
        return self.numbers.setdefault(key, len(self.numbers) + 1)

    @property
    def references(self):
        return [(number, self._known[key]) for key, number in self.numbers.items()]


@register.filter
def rich(html: str, citations: Citations | None = None):
    """Mark stored, already-sanitised HTML safe and number its citations."""

    def replace(match):
        key = match.group(1)
        number = citations.number(key) if citations is not None else None
        if number is None:
            return ""
        return str(
            format_html(
                '<sup class="cite"><a href="#ref-{}" aria-label="Reference {}">[{}]</a></sup>', key, number, number
            )
        )

    return mark_safe(CITATION_LINK.sub(replace, html or ""))  # noqa: S308 - sanitised by nh3 on save
