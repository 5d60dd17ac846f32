"""Answers an anonymous reader's GET of a public page from the cache: the same bytes and headers for every
reader, so that any shared cache in front (nginx, a CDN) may keep the page too."""

from functools import wraps

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import get_conditional_response
from django.utils.encoding import escape_uri_path

from . import store
from .page import CachedPage

# Added to shared and advertised links by analytics and ad networks; no page reads them.
TRACKING = {"fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "twclid", "_gl"}
# A shared cache keeps a page 4 s, then may serve it 4 s more while it fetches it again; browsers ask every time
# (a 304 when nothing changed). Every process here sees an edit within store.TRUST_SECONDS (1 s), so the oldest
# copy a reader can get is 1 + 4 + 4 = 9 s behind the edit: within the 10 s an edit may take to reach everyone.
SHARED = "public, max-age=0, s-maxage=4, stale-while-revalidate=4"
# A live session's pages (staff, previews) are kept by no cache at all.
PRIVATE = "private, no-store"


def public_page(view):
    """Mark a view's responses as the same for every anonymous reader, so that the cache may keep a 200."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = getattr(response, "public_page", True)
        return response

    return wrapper


class PageCacheMiddleware:
    """Listed just inside CommonMiddleware: Django has checked the Host header before a page is served from
    here, as for any page it renders."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # Staff, or anyone with a stored session, bypass the cache; a cookie that names no session does not.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.keys():
            response = self.get_response(request)
            if getattr(response, "public_page", False):
                response["Cache-Control"] = PRIVATE
            return response
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
        response = self.get_response(request)
        if response.streaming or not getattr(response, "public_page", False) or response.status_code != 200:
            return response
        # This reader has no session, so the page read none (request.user is anonymous): the first reader gets
        # the headers every later one does, without the "Vary: Cookie" that reading it would add.
        request.session.accessed = False
        # Marked with the generation read before rendering: if content changed meanwhile, it is never served.
        page = CachedPage.of(response, generation=generation, lifetime=store.lifetime())
        try:
            store.keep(request.path, page)
        except Exception:
            store.logger.exception("page cache unavailable; could not store %s", request.path)
        return self.serve(request, page)

    def serve(self, request, page: CachedPage):
        gzip = accepts_gzip(request.headers.get("Accept-Encoding", ""))
        etag = f'"{page.etag}-gzip"' if gzip else f'"{page.etag}"'
        # Django's own RFC 9110 check: a 304 when If-None-Match lists this copy's tag.
        response = get_conditional_response(request, etag=etag)
        if response is None:
            body = page.gzipped if gzip else page.body
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=page.status)
            for name, value in page.headers:
                response[name] = value
            response["Content-Length"] = str(len(body))
            if gzip:
                response["Content-Encoding"] = "gzip"
        response["ETag"], response["Last-Modified"] = etag, page.last_modified
        response["Vary"] = "Accept-Encoding"
        response["Cache-Control"] = SHARED
        return response


def is_tracking(parameter: str) -> bool:
    return parameter.startswith("utm_") or parameter in TRACKING


def accepts_gzip(accept_encoding: str) -> bool:
    """RFC 9110, 12.5.3: gzip is listed, and not with q=0."""
    for coding, _, weight in (item.partition(";") for item in accept_encoding.lower().split(",")):
        if coding.strip() == "gzip":
            try:
                return float(weight.strip().removeprefix("q=") or 1) > 0
            except ValueError:
                return False
    return False
