"""HTTP details put right around WhiteNoise, which reads request headers more simply than RFC 9110 asks."""

import re

from django.http import HttpResponseNotAllowed
from django.utils.cache import get_conditional_response

# One coding with q=0 (RFC 9110, 12.5.3): the client refuses it.
REFUSED_CODING = re.compile(r"\s*[\w*-]+\s*;\s*q\s*=\s*0(?:\.0{0,3})?\s*", re.IGNORECASE)


class RefusedCodingsMiddleware:
    """Drops the codings a client refuses from Accept-Encoding, so that WhiteNoise, which looks only for the
    word, does not send gzip to 'gzip;q=0'."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_ACCEPT_ENCODING", "")
        if "q=0" in header.replace(" ", ""):
            kept = [item for item in header.split(",") if not REFUSED_CODING.fullmatch(item)]
            request.META["HTTP_ACCEPT_ENCODING"] = ",".join(kept)
        return self.get_response(request)


class ConditionalListsMiddleware:
    """An If-None-Match that lists several tags gets a 304 when one of them is the file's (RFC 9110, 13.1.2):
    WhiteNoise compares the header with its tag as one string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "," in request.headers.get("If-None-Match", "") and response.has_header("ETag"):
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


class RefuseTraceMiddleware:
    """TRACE answers 405 everywhere: it echoes a request back, cookies included, and nothing here needs it.

    Without this, WhiteNoise refuses it on static files but the rest of the site answers as if it were a GET
    (a redirect, a 404), which scanners report as TRACE being on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "TRACE":
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        return self.get_response(request)
