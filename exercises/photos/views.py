import mimetypes

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe

# Every name holds its content's hash (see services.store_photo): what is at a name never changes.
FOREVER = "public, max-age=31536000, immutable"
# What the local disk says when a name is a folder, or goes through a file as if it were one.
NOT_A_FILE = (SuspiciousFileOperation, FileNotFoundError, IsADirectoryError, NotADirectoryError)


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
