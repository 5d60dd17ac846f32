"""The consultation form's fields. A new (unbound) form's are the same for every visitor of a page, so they
are drawn once per page and process; a sent form (with the visitor's answers and errors) is drawn each time."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string

register = template.Library()

FIELDS_TEMPLATE = "includes/consultation_fields.html"


@register.simple_tag
def form_fields(form):
    if form.is_bound:
        return render_to_string(FIELDS_TEMPLATE, {"form": form})
    return new_form_fields(type(form), form.initial.get("source", ""))


@lru_cache(maxsize=256)
def new_form_fields(form_class, source: str) -> str:
    """A new form's fields for the page at ``source``: they depend on nothing else (consent wording included)."""
    return render_to_string(FIELDS_TEMPLATE, {"form": form_class(source=source)})
