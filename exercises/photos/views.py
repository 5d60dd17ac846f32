import mimetypes

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe

# Every name holds its content's hash (see services.store_photo): what is at a name never changes.
FOREVER = "public, max-age=31536000, immutable"


@require_safe
def media(request, name):
    """A photo library file from the default storage, for sites whose storage is the local disk.

    With S3-compatible storage the files' addresses are the bucket's, and this view is never asked.
    """
    if not name.startswith("photos/"):
        raise Http404("No such file.")
    try:
        if not default_storage.exists(name):
            raise Http404("No such file.")
        if request.headers.get("If-None-Match") == f'"{name}"':
            response = HttpResponseNotModified()
        else:
            response = FileResponse(default_storage.open(name), content_type=mimetypes.guess_type(name)[0])
    except SuspiciousFileOperation:
        raise Http404("No such file.") from None
    response["Cache-Control"] = FOREVER
    response["ETag"] = f'"{name}"'
    response["Last-Modified"] = http_date(default_storage.get_modified_time(name).timestamp())
    return response
