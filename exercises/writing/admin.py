"""What every editor screen shares: the Markdown editor every long text uses, readable history, ordered inlines,
and the references any text cites.

The editor is markdownx's (a textarea and a live preview, see exercises.writing.preview) with a toolbar
(static/js/markdown-toolbar.js: bold, italic, link, lists, cite, image) and a line under it saying
what the page keeps. The toolbar also keeps a copy of what was typed in the browser, so a login that
expired during a long edit loses nothing.
"""

from adminsortable2.admin import SortableAdminMixin, SortableStackedInline, SortableTabularInline
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion_compare.admin import BaseCompareVersionAdmin

from .history import ReadableHistory
from .models import Reference

# What exercises.writing.markdown keeps (ALLOWED_TAGS), in the words staff type.
MARKDOWN_HELP = mark_safe(  # noqa: S308 - fixed text
    "The page keeps <code>**bold**</code>, <code>*italic*</code>, <code>[words](https://…)</code> links, "
    "lists (<code>- item</code> or <code>1. item</code>), <code>&gt; quotes</code> and "
    "<code>###</code> or <code>####</code> headings. Place a photo of the library with "
    "<code>![what it shows](image:key)</code> (the Image button finds it). Cite a study with "
    "<code>[ref:key]</code> (the Cite button finds the key): the page shows a number. Anything else, "
    "such as a <code>##</code> heading or HTML, is dropped, and the preview says so."
)


class MarkdownEditor(AdminMarkdownxWidget):
    """markdownx's editor and preview, the toolbar's hooks, and what the page keeps under it."""

    class Media:
        css = {"all": ["css/admin-writing.css"]}
        js = ["js/markdown-toolbar.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        textarea = context["widget"]["attrs"]
        described = textarea.get("aria-describedby", "")
        textarea["aria-describedby"] = f"{described} {help_id(textarea.get('id') or name)}".strip()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # Around markdownx's own template: the form renderer reads only the apps' templates.
        editor = super().render(name, value, attrs, renderer)
        return format_html(
            '<div class="markdown-editor" data-markdown-editor data-reference-search="{}" data-image-search="{}">{}'
            '<p class="markdown-help" id="{}">{}</p></div>',
            reverse("writing_reference_search"),
            reverse("writing_photo_search"),
            editor,
            help_id((attrs or {}).get("id") or name),
            MARKDOWN_HELP,
        )


def help_id(field_id: str) -> str:
    return f"{field_id}_markdown_help"


MARKDOWN_EDITOR = {MarkdownxField: {"widget": MarkdownEditor}}


class HistoryAdmin(ReadableHistory, BaseCompareVersionAdmin):
    """Every change kept by django-reversion: the history newest first and to the second, any two versions
    compared side by side with their children, and a revert that shows what it will change first."""

    class Media:
        # The Markdown toolbar keeps what was typed in the browser until the save goes through; it is
        # here too so that the list a save lands on can forget that copy.
        js = ("js/markdown-toolbar.js",)


class MarkdownInline(SortableStackedInline):
    """Ordered by drag and drop (django-admin-sortable2) or the Move up/down buttons; nobody types a position."""

    formfield_overrides = MARKDOWN_EDITOR
    extra = 0


class PositionedTabularInline(SortableTabularInline):
    extra = 0
    classes = ("collapse",)


@admin.register(Reference)
class ReferenceAdmin(SortableAdminMixin, HistoryAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "write", "References (studies)"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("key", "authors", "title", "journal", "year", "checkable")
    list_filter = ("year",)
    search_fields = ("key", "authors", "title", "journal", "finding", "doi", "pmid")

    @admin.display(description="a reader can check it", boolean=True)
    def checkable(self, obj):
        return obj.is_checkable
