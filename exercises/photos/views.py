import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from . import processing

# Every name holds its content's hash (see services.store_photo): what is at a name never changes.
FOREVER = "public, max-age=31536000, immutable"
# What the local disk says when a name is a folder, or goes through a file as if it were one.
NOT_A_FILE = (SuspiciousFileOperation, FileNotFoundError, IsADirectoryError, NotADirectoryError)
PHOTO_FORMS = {"admin:exercises_photo_add", "admin:exercises_photo_change"}


@require_safe
def media(request, name):
    """A photo library file from the default storage, for sites whose storage is the local disk.

    With S3-compatible storage the files' addresses are the bucket's, and this view is never asked.
    """
    # exists() is true for a folder too: only opening the name tells a file from a folder.
    if not name.startswith("photos/") or name.endswith("/"):
        raise Http404("No such file.")
    try:
        modified = default_storage.get_modified_time(name).timestamp()
        file = default_storage.open(name)
    except NOT_A_FILE:
        raise Http404("No such file.") from None
    etag = f'"{name}"'
    # Django compares If-None-Match weakly, as RFC 9110 (13.1.2) asks: W/"name" is this file too.
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = FileResponse(file, content_type=mimetypes.guess_type(name)[0])
    else:
        file.close()
    response["Cache-Control"] = FOREVER
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    return response


class OversizedUploadMiddleware:
    """A photo form whose body is larger than any photo it may carry is sent back before a byte of it is read.

    Without this, Django's CSRF check reads the whole body (to a temporary file) before the form can say the
    file is over 20 MB. The browser's Content-Length says the size up front; the fields beside the file may
    take up to DATA_UPLOAD_MAX_MEMORY_SIZE more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and _declared_length(request) > processing.MAX_BYTES + _fields_allowance():
            try:
                view_name = resolve(request.path_info).view_name
            except Resolver404:
                view_name = None
            if view_name in PHOTO_FORMS:
                size = _declared_length(request) / 1024 / 1024
                messages.error(
                    request,
                    f"Nothing was saved: the upload is {size:.1f} MB, and a photo may be up to 20 MB. Export it "
                    "smaller, then choose it again.",
                )
                return HttpResponseRedirect(request.get_full_path())
        return self.get_response(request)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _fields_allowance() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
