"""Answers an anonymous reader's GET of a public page from the cache, with the visitor's own values filled in."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import get_conditional_response
from django.utils.encoding import escape_uri_path
from django.utils.html import escape

from . import store
from .page import CachedPage, join, split

# Added to shared and advertised links by analytics and ad networks; no page reads them.
TRACKING = {"fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "twclid", "_gl"}


def public_page(view):
    """Mark a view's responses as the same for every anonymous reader, so that the cache may keep a 200."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = getattr(response, "public_page", True)
        return response

    return wrapper


class PageCacheMiddleware:
    """Listed just inside CsrfViewMiddleware: Django has checked the Host header and read the CSRF cookie
    before a page is served from here, and sets the cookie after, as for any page it renders."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Staff, or anyone with a stored session, bypass the cache; a cookie that names no session does not.
        if request.method not in ("GET", "HEAD") or (
            settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.keys()
        ):
            return self.get_response(request)
        try:
            generation = store.generation()
            page = store.lookup(request.path, generation)
        except Exception:
            store.logger.exception("page cache unavailable; rendering %s uncached", request.path)
            return self.get_response(request)
        clean = not request.META.get("QUERY_STRING") or all(map(is_tracking, request.GET))
        if page is None:
            return self.render(request, generation) if clean else self.get_response(request)
        if not clean:  # one address a page: another query string is sent there, not past the cache
            return HttpResponsePermanentRedirect(escape_uri_path(request.path))
        return self.serve(request, page)

    def render(self, request, generation: int):
        request.renders_for_page_cache = True  # templates put holes where the per-visitor values go
        response = self.get_response(request)
        if response.streaming:
            return response
        if not getattr(response, "public_page", False) or response.status_code != 200:
            segments, holes = split(response.content)
            if holes:
                response.content = join(segments, values(request, holes))
            return response
        # Marked with the generation read before rendering: if content changed meanwhile, it is never served.
        page = CachedPage.of(response, generation=generation, lifetime=store.lifetime())
        try:
            store.keep(request.path, page)
        except Exception:
            store.logger.exception("page cache unavailable; could not store %s", request.path)
        return self.serve(request, page)

    def serve(self, request, page: CachedPage):
        filled = values(request, page.holes)  # on a 304 too: a value may come with a cookie, as CSRF's does
        # Django's own RFC 9110 check: a 304 when If-None-Match lists this page's tag (weak comparison).
        response = get_conditional_response(request, etag=page.etag)
        if response is None:
            gzip = accepts_gzip(request.headers.get("Accept-Encoding", ""))
            body = page.body(filled, gzip=gzip)
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=page.status)
            for name, value in page.headers:
                response[name] = value
            response["Content-Length"] = str(len(body))
            if gzip:
                response["Content-Encoding"] = "gzip"
        response["ETag"], response["Last-Modified"] = page.etag, page.last_modified
        response["Vary"] = "Accept-Encoding, Cookie"
        response["Cache-Control"] = "private, no-cache" if page.holes else "public, no-cache"
        return response


def is_tracking(parameter: str) -> bool:
    return parameter.startswith("utm_") or parameter in TRACKING


def values(request, holes) -> list[bytes]:
    fill = store.configured("HOLES")
    return [escape(fill[name](request)).encode() for name in holes]


def accepts_gzip(accept_encoding: str) -> bool:
    """RFC 9110, 12.5.3: gzip is listed, and not with q=0."""
    for coding, _, weight in (item.partition(";") for item in accept_encoding.lower().split(",")):
        if coding.strip() == "gzip":
            try:
                return float(weight.strip().removeprefix("q=") or 1) > 0
            except ValueError:
                return False
    return False
