"""Request headers put right before anything reads them."""

import re

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
