"""Reads behind the editor's buttons: the references a search finds, and how the picker names each."""

from django.db.models import Q
from django.utils.text import Truncator

from .models import Reference

SEARCH_LIMIT = 20


def search_references(*, query: str) -> list[Reference]:
    """References whose authors, title, journal or key hold every word typed; all of them for no words."""
    references = Reference.objects.all()
    for word in query.split():
        references = references.filter(
            Q(authors__icontains=word) | Q(title__icontains=word) | Q(journal__icontains=word) | Q(key__icontains=word)
        )
    return list(references[:SEARCH_LIMIT])


def reference_label(reference: Reference) -> str:
    """Enough to tell one study from another in the picker: who, when, what, where."""
    who = Truncator(reference.authors).chars(60) if reference.authors else ""
    what = reference.title or Truncator(reference.finding).words(12, truncate="…")
    if not what.endswith((".", "?", "!", "…")):
        what += "."
    when = f"({reference.year})" if reference.year else ""
    return " ".join(part for part in (who, when, what, reference.journal) if part)
