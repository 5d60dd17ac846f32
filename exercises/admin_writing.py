"""Writing in the admin: the Markdown editor every long text uses, and the searches behind its buttons.

The editor is markdownx's (a textarea and a live preview, see exercises.markdown_check) with a toolbar
(static/js/markdown-toolbar.js: bold, italic, link, lists, cite, image) and a line under it saying
what the page keeps. The toolbar also keeps a copy of what was typed in the browser, so a login that
expired during a long edit loses nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET
from markdownx.widgets import AdminMarkdownxWidget

from .models import Reference
from .photos.selectors import search_photos

SEARCH_LIMIT = 20
# What exercises.markdown keeps (ALLOWED_TAGS), in the words staff type.
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
    return " ".join(part for part in (who, f"({reference.year})", what, reference.journal) if part)


@require_GET
def reference_search(request):
    """The Cite button's picker (staff only: served through the admin site's login and this permission)."""
    if not request.user.has_perm("exercises.view_reference"):
        raise PermissionDenied
    found = search_references(query=request.GET.get("q", "")[:200])
    return JsonResponse(
        {"results": [{"key": ref.key, "label": reference_label(ref), "text": f"[ref:{ref.key}]"} for ref in found]}
    )


@require_GET
def photo_search(request):
    """The Image button's picker: photos of the library, each as the Markdown that places it."""
    if not request.user.has_perm("exercises.view_photo"):
        raise PermissionDenied
    found = search_photos(query=request.GET.get("q", "")[:200])
    return JsonResponse(
        {
            "results": [
                {
                    "key": photo.key,
                    "label": photo.alt or f"{photo.key} (decorative)",
                    "thumbnail": photo.thumbnail.file.url if photo.thumbnail else "",
                    "text": f"![{photo.alt.replace('[', '(').replace(']', ')')}](image:{photo.key})",
                }
                for photo in found
            ]
        }
    )
