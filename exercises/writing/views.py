"""The Markdown toolbar's endpoints: the Cite and Image buttons' searches, for staff only."""

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from ..photos.selectors import search_photos
from .selectors import reference_label, search_references


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
