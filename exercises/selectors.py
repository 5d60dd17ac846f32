"""Reads that decide what staff are told about an article."""

from .markdown import cited_keys
from .models import Comparison, Exercise, Reference


def cited_reference_keys(item: Comparison | Exercise) -> set[str]:
    """Every reference an article cites, in its own text, its parts' and (for a comparison) its exercises'."""
    parts = [item] if isinstance(item, Exercise) else [*item.sections.all(), *item.factors.all(), *item.faqs.all()]
    if isinstance(item, Comparison):
        parts += item.exercises
    return {key for part in parts for name in part.markdown_fields for key in cited_keys(getattr(part, name))}


def uncheckable_references(item: Comparison | Exercise) -> list[Reference]:
    """References the article cites that a reader cannot follow to the paper: no DOI, PubMed ID or URL."""
    cited = Reference.objects.filter(key__in=cited_reference_keys(item))
    return [reference for reference in cited if not reference.is_checkable]
