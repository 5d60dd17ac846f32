"""Cross-site forgery checked by the headers browsers send (Fetch Metadata, then Origin), not by a token, as
Go's net/http.CrossOriginProtection does: the consultation form is anonymous, so a page holds nothing per
visitor and every reader, and every shared cache, gets the same bytes."""

import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# "none": typed in or opened from a bookmark, no page sent it.
SAME_SITE_FETCH = {"same-origin", "none"}


def cross_origin_reason(request) -> str | None:
    """Why a browser says another site sent this request, or None when it did not say so."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if origin is not None and origin in settings.CSRF_TRUSTED_ORIGINS:
        return None
    if fetch_site is not None:
        return None if fetch_site in SAME_SITE_FETCH else f"Sec-Fetch-Site: {fetch_site}"
    # An older browser sends Origin alone; "null" (a sandboxed frame, a file, a redirect) is no site's own.
    if origin is not None and origin.lower() != f"{request.scheme}://{request.get_host()}".lower():
        return f"Origin: {origin}"
    return None


def refuses_cross_origin(view):
    """In place of Django's CSRF token, for a form anyone may send: a post another site's page made a browser
    send is refused with a page that says what to do; one with neither header (not a browser) goes on to the
    form's own spam defences."""

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            if reason := cross_origin_reason(request):
                logger.warning("cross-origin post refused: %s path=%s", reason, request.path)
                return render(request, "exercises/cross_origin_refused.html", status=403)
            if "Sec-Fetch-Site" not in request.headers and "Origin" not in request.headers:
                logger.info("post without Sec-Fetch-Site or Origin (not a browser) path=%s", request.path)
        return view(request, *args, **kwargs)

    return checked
