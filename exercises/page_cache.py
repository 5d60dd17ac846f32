"""Full-page cache for public pages, answered early in the middleware stack.

A public page is rendered once per content generation and kept, already
gzip-compressed, in the shared "pages" cache (files under var/ by default,
Redis when REDIS_URL is set) and in each worker's memory. A hit runs no SQL
and only checks the generation: a stat of its file, or with Redis, memory
kept current over pub/sub (GenerationWatch). Saving any content writes a new
generation, so every worker on every instance stops serving the old pages at
once; after the save commits, the saving process renders the public pages
again (refresh_pages), so the first reader after an edit gets a cached page.

Pages that embed the consultation form carry a CSRF token and the form's
signed start time. The cache keeps the page in segments around them and
splices in the visitor's own values on every hit (setting a fresh CSRF
cookie for a first-time visitor), so no visitor ever gets another visitor's
token or cookie. The gzip body is spliced too: each segment is compressed
once as byte-aligned deflate blocks (Z_FULL_FLUSH), and the values go in
between as stored blocks, so nothing is compressed per request.
"""

import hashlib
import io
import logging
import math
import os
import re
import select
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, wraps
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from .forms import new_started_token

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "pages:generation"
# Values that must differ per visitor: the CSRF token and the form's signed start time.
PER_VISITOR_FIELD = re.compile(rb'name="(csrfmiddlewaretoken|started)" value="([^"]*)"')
# How long a save may spend rendering pages again before leaving the rest to their first visitor.
WARM_SECONDS = 2.0
# What renders a page; a change to any of these files makes a new release.
RENDERING_SOURCES = ("exercises", "templates")
RENDERING_SUFFIXES = {".py", ".html", ".txt", ".xml"}
SECRET_FORMAT = re.compile(rf"^[A-Za-z0-9]{{{CSRF_SECRET_LENGTH}}}$")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# Headers that belong to one visitor or that the cache sets itself.
NOT_REPLAYED = {"set-cookie", "vary", "content-length", "cache-control", "expires", "etag", "last-modified"}


ALPHABET = len(CSRF_ALLOWED_CHARS)
# Random bytes map onto the alphabet through one translate table; the bytes
# above its largest multiple below 256 are dropped, so every character is equally likely.
UNBIASED_LIMIT = 256 - 256 % ALPHABET
RANDOM_CHAR = bytes.maketrans(bytes(range(UNBIASED_LIMIT)), CSRF_ALLOWED_CHARS.encode() * (UNBIASED_LIMIT // ALPHABET))
BIASED_BYTES = bytes(range(UNBIASED_LIMIT, 256))
# Django's masking adds a secret character and a mask character modulo the alphabet.
MASKED_PAIR = {
    (secret, mask): CSRF_ALLOWED_CHARS[(i + j) % ALPHABET]
    for i, secret in enumerate(CSRF_ALLOWED_CHARS)
    for j, mask in enumerate(CSRF_ALLOWED_CHARS)
}


def random_csrf_string(length: int = CSRF_SECRET_LENGTH) -> str:
    """Django's CSRF alphabet and length, from one urandom read (Django's own takes one per character)."""
    while True:
        chars = os.urandom(length + 16).translate(RANDOM_CHAR, BIASED_BYTES)
        if len(chars) >= length:
            return chars[:length].decode()


def mask_secret(secret: str) -> str:
    """The same masked token django.middleware.csrf produces, which its check unmasks."""
    mask = random_csrf_string()
    return mask + "".join(map(MASKED_PAIR.__getitem__, zip(secret, mask, strict=True)))


def public_page(view):
    """Mark a view's successful anonymous GET responses as cacheable."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = True
        return response

    return wrapper


def next_go_live() -> datetime | None:
    """When the next scheduled comparison or exercise goes live, or None."""
    from .models import Comparison, Exercise

    upcoming = [when for when in (Comparison.objects.next_publication(), Exercise.objects.next_publication()) if when]
    return min(upcoming, default=None)


def page_lifetime() -> float:
    """Seconds a page may be kept: until the next scheduled comparison or exercise goes live."""
    lifetime = float(settings.PAGE_CACHE_SECONDS)
    go_live = next_go_live()
    if go_live is not None:
        lifetime = min(lifetime, (go_live - timezone.now()).total_seconds())
    return max(lifetime, 1.0)


def new_generation() -> int:
    # An integer, so that Redis holds it as plain digits one GET can read back without unpickling.
    return int.from_bytes(os.urandom(8), "big")


def invalidate_pages() -> None:
    watch = generation_watch()
    if watch is None:
        caches[CACHE_ALIAS].set(GENERATION_KEY, new_generation(), timeout=None)
    else:
        watch.change()


class GenerationWatch:
    """The page-cache generation, kept current in this process's memory by Redis.

    With Redis, reading the generation is a round trip on every hit, about a
    quarter of what a hit costs. Every invalidation also publishes on a
    channel, and a thread here listens. A hit trusts the generation in memory
    only when no announcement is waiting on the channel's socket and the
    thread is not midway through one: the announcement reaches every
    subscriber before change() returns, so a request that arrives after a
    save never gets the old page. Until the subscription is made,
    and whenever it is lost or goes quiet past QUIET_LIMIT_SECONDS, hits read
    Redis as before.
    """

    HEARTBEAT_SECONDS = 1.0
    QUIET_LIMIT_SECONDS = 3.0

    def __init__(self, url: str, key: str):
        self.client = redis.Redis.from_url(url, socket_timeout=self.QUIET_LIMIT_SECONDS)
        self.key = key
        self.channel = f"{key}:changed"
        self.current: int | None = None
        self.socket: socket.socket | None = None
        threading.Thread(target=self._listen_forever, name="page-cache-generation", daemon=True).start()

    def generation(self) -> int | None:
        """The generation from memory; None when only Redis can tell."""
        channel = self.socket
        try:
            if channel is None or select.select([channel], [], [], 0)[0]:
                return None  # not subscribed, or an announcement not yet handled
        except (OSError, ValueError):
            return None  # the listener is replacing a lost connection
        return self.current

    def read(self) -> int | None:
        digits = self.client.get(self.key)
        return None if digits is None else int(digits)

    def change(self) -> int:
        """A new generation, announced in the same transaction, so no subscriber can miss it."""
        generation = new_generation()
        # The same plain digits Django's RedisCache stores for an int, so cache.get reads it too.
        self.client.pipeline(transaction=True).set(self.key, generation).publish(self.channel, b"").execute()
        # Redis writes the announcement to subscribers in the same turn of its
        # event loop as this reply, sometimes just after it; the reply to one
        # more command comes only once that turn's writes are all out.
        self.client.ping()
        return generation

    def _listen_forever(self) -> None:
        while True:
            try:
                self._listen()
            except Exception:
                if self.socket is not None:  # quiet while Redis stays unreachable; hits say so themselves
                    logger.warning("page cache: lost the generation channel; reading Redis on every hit", exc_info=True)
            self.socket, self.current = None, None
            time.sleep(1)

    def _listen(self) -> None:
        with self.client.pubsub() as pubsub:
            pubsub.subscribe(self.channel)
            if pubsub.get_message(timeout=self.QUIET_LIMIT_SECONDS) is None:
                raise ConnectionError("no confirmation of the subscription")
            # Subscribed before reading: a change from here on is announced on the channel.
            self.client.set(self.key, new_generation(), nx=True)  # Redis may have restarted empty
            self.current = self.read()
            # redis-py offers no public way to wait on a pub/sub connection without reading it.
            self.socket = pubsub.connection._sock
            heard_at = time.monotonic()
            while True:
                if select.select([self.socket], [], [], self.HEARTBEAT_SECONDS)[0]:
                    # Hits go to Redis from before the announcement leaves the
                    # socket until the new generation is read.
                    self.current = None
                    while pubsub.get_message(timeout=0) is not None:
                        pass
                    self.current = self.read()
                    heard_at = time.monotonic()
                elif time.monotonic() - heard_at > self.QUIET_LIMIT_SECONDS:
                    raise ConnectionError(f"nothing from Redis for {self.QUIET_LIMIT_SECONDS} s")
                else:
                    pubsub.ping()


_watch: tuple[int, GenerationWatch] | None = None


def generation_watch() -> GenerationWatch | None:
    """This process's watch when the pages live in Redis (started after a fork, never inherited)."""
    global _watch
    cache = caches[CACHE_ALIAS]
    if not isinstance(cache, RedisCache):
        return None
    if _watch is None or _watch[0] != os.getpid():
        location = settings.CACHES[CACHE_ALIAS]["LOCATION"]
        _watch = (os.getpid(), GenerationWatch(location, cache.make_and_validate_key(GENERATION_KEY)))
    return _watch[1]


def public_paths() -> list[str]:
    """Every public page, the most visited first."""
    from .models import Comparison, Exercise

    paths = [reverse("exercises:home")]
    paths += [item.get_absolute_url() for item in Comparison.objects.published().order_by("-published_at")]
    paths += [item.get_absolute_url() for item in Exercise.objects.published()]
    names = ["consultation", "consultation_thanks", "sitemap", "robots_txt", "web_manifest"]
    return paths + [reverse(f"exercises:{name}") for name in names]


@cache
def release() -> str:
    """A fingerprint of what renders the pages: the code, the templates, the static files and the site's address.

    It is part of every page's key, so a deploy never serves pages the last
    release rendered (with its templates and the hashed CSS it linked to),
    and during a rolling deploy each release serves its own pages.
    """
    digest = hashlib.sha256(settings.SITE_URL.encode())
    digest.update(getattr(staticfiles_storage, "manifest_hash", "").encode())
    for folder in RENDERING_SOURCES:
        root = settings.BASE_DIR / folder
        for path in sorted(root.rglob("*")):
            if path.suffix in RENDERING_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def page_renderer() -> BaseHandler:
    """Django's handler with the site's middleware, as a request meets it; built once per process,
    since building it costs more than rendering a page (WhiteNoise indexes the static files)."""
    handler = BaseHandler()
    handler.load_middleware()
    return handler


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    # Middleware read their settings when built, and the release depends on SITE_URL.
    page_renderer.cache_clear()
    release.cache_clear()


def refresh_pages() -> None:
    """Drop every cached page, then render the public pages again at once.

    Runs in the process that saved the content, after its transaction
    commits, so the first reader after an edit is served a cached page
    instead of waiting for a render. Past WARM_SECONDS the remaining pages
    are left to render on their first visit, so a large site never holds up
    a save for long.
    """
    invalidate_pages()
    handler = page_renderer()
    site = urlsplit(settings.SITE_URL)
    deadline = time.monotonic() + WARM_SECONDS
    for path in public_paths():
        if time.monotonic() > deadline:
            break
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SERVER_NAME": site.hostname,
            "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
            "HTTP_HOST": site.netloc,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(),
            "wsgi.url_scheme": site.scheme,
            # Behind a TLS proxy the request looks as the proxy forwards it, or it would be redirected.
            **({settings.SECURE_PROXY_SSL_HEADER[0]: "https"} if site.scheme == "https" else {}),
        }
        try:
            status = handler.get_response(WSGIRequest(environ)).status_code
        except Exception:
            logger.exception("page cache: could not render %s after an edit", path)
            continue
        if status != 200:
            logger.warning("page cache: %s answered %s after an edit; it renders on its first visit", path, status)
    book_refresh_at_next_go_live()


def book_refresh_at_next_go_live() -> None:
    """Have the job worker render the pages again once the next scheduled item is live, as a save would.

    Every refresh asks; the cache's atomic add lets only the first book the job.
    """
    from .tasks import refresh_pages_after_go_live

    go_live = next_go_live()
    if go_live is None:
        return
    # A moment after, so that the item counts as published when the job renders.
    run_at = go_live + timedelta(seconds=1)
    booked_for = math.ceil((run_at - timezone.now()).total_seconds()) + 60
    if caches[CACHE_ALIAS].add(f"pages:refresh-booked:{run_at.timestamp()}", True, timeout=booked_for):
        refresh_pages_after_go_live.schedule(eta=run_at)


def _deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


@dataclass(frozen=True)
class CachedPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    segments: tuple[bytes, ...]  # the page around its per-visitor values
    holes: tuple[str, ...]  # which value goes between two segments: a form field name
    deflated: tuple[bytes, ...]  # each segment as byte-aligned deflate blocks; only the last one final
    first_crc: int
    etag: str
    last_modified: str
    expires_at: float  # a scheduled item going live changes pages without any save
    generation: int  # the content it was rendered from; a page of any other generation is never served

    @classmethod
    def from_response(cls, response, lifetime: float, generation: int) -> "CachedPage":
        body = response.content
        segments, holes, position = [], [], 0
        for match in PER_VISITOR_FIELD.finditer(body):
            segments.append(body[position : match.start(2)])
            holes.append(match.group(1).decode())
            position = match.end(2)
        segments.append(body[position:])
        last = len(segments) - 1
        digest = hashlib.sha256(b"".join(segments)).hexdigest()[:32]
        return cls(
            status=response.status_code,
            headers=tuple((k, v) for k, v in response.items() if k.lower() not in NOT_REPLAYED),
            segments=tuple(segments),
            holes=tuple(holes),
            deflated=tuple(_deflate(segment, final=index == last) for index, segment in enumerate(segments)),
            first_crc=zlib.crc32(segments[0]),
            # Form pages differ by the visitor's values only, hence a weak validator.
            etag=f'W/"{digest}"' if holes else f'"{digest}"',
            last_modified=http_date(),
            expires_at=time.time() + lifetime,
            generation=generation,
        )

    @property
    def has_form(self) -> bool:
        return bool(self.holes)

    def body(self, values: list[bytes], gzip: bool) -> bytes:
        if not gzip:
            parts = [self.segments[0]]
            for value, segment in zip(values, self.segments[1:], strict=True):
                parts += [value, segment]
            return b"".join(parts)
        # Only the per-visitor values are compressed now; the CRC runs over what follows the first segment.
        parts, crc, size = [GZIP_HEADER, self.deflated[0]], self.first_crc, len(self.segments[0])
        for value, segment, deflated in zip(values, self.segments[1:], self.deflated[1:], strict=True):
            parts += [_stored_block(value), deflated]
            crc = zlib.crc32(segment, zlib.crc32(value, crc))
            size += len(value) + len(segment)
        parts += [crc.to_bytes(4, "little"), _size(size)]
        return b"".join(parts)


def _stored_block(data: bytes) -> bytes:
    """A non-final, uncompressed deflate block: the stream is byte-aligned here, and a token gains nothing
    from compression, so this skips building a compressor per value."""
    return b"\x00" + len(data).to_bytes(2, "little") + (len(data) ^ 0xFFFF).to_bytes(2, "little") + data


def _size(length: int) -> bytes:
    return (length & 0xFFFFFFFF).to_bytes(4, "little")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[CACHE_ALIAS]
        self.local: dict[str, CachedPage] = {}
        self.local_generation = None
        self.generation_stamp = None

    def __call__(self, request):
        if not self._eligible(request):
            return self.get_response(request)
        try:
            generation = self._generation()
            page = self._lookup(generation, request.path)
        except Exception:
            # The cache is down: serve the page the slow way rather than fail.
            logger.exception("page cache unavailable; rendering %s uncached", request.path)
            return self.get_response(request)
        if page is None:
            response = self.get_response(request)
            if not getattr(response, "public_page", False) or response.status_code != 200 or response.streaming:
                return response
            lifetime = page_lifetime()
            # Marked with the generation read before rendering: if content
            # changed meanwhile, this copy is already stale and never served.
            page = CachedPage.from_response(response, lifetime, generation)
            try:
                self.cache.set(self._key(request.path), page, timeout=math.ceil(lifetime))
            except Exception:
                logger.exception("page cache unavailable; could not store %s", request.path)
            self.local[request.path] = page
        return self._serve(request, page)

    @staticmethod
    def _eligible(request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )

    @staticmethod
    def _key(path: str) -> str:
        # One entry a page, overwritten by each render, so edits leave no old copies behind to clean up.
        return f"page:{release()}:{hashlib.sha256(path.encode()).hexdigest()}"

    def _generation(self) -> int:
        # On the file backend every write replaces the key's file, so a stat
        # tells whether it changed: no read or unpickling on a hit.
        stamp = None
        if isinstance(self.cache, FileBasedCache):
            try:
                info = os.stat(self.cache._key_to_file(GENERATION_KEY))
                stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            except FileNotFoundError:
                stamp = None
            if stamp is not None and stamp == self.generation_stamp:
                return self.local_generation
        generation = self._read_generation()
        if generation is None:
            self.cache.add(GENERATION_KEY, new_generation(), timeout=None)
            generation = self.cache.get(GENERATION_KEY)
        if generation != self.local_generation:
            self.local = {}
            self.local_generation = generation
        self.generation_stamp = stamp
        return generation

    def _read_generation(self) -> int | None:
        watch = generation_watch()
        if watch is None:
            return self.cache.get(GENERATION_KEY)
        generation = watch.generation()
        return watch.read() if generation is None else generation

    def _lookup(self, generation: int, path: str) -> CachedPage | None:
        page = self.local.get(path)  # emptied whenever the generation changes
        if page is None:
            page = self.cache.get(self._key(path))
            if page is None or page.generation != generation:
                return None
            self.local[path] = page
        if page.expires_at <= time.time():
            self.local.pop(path, None)
            return None
        return page

    def _serve(self, request, page: CachedPage):
        secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        new_secret = page.has_form and not SECRET_FORMAT.match(secret)
        if new_secret:
            secret = random_csrf_string()
        if request.headers.get("If-None-Match") == page.etag and not new_secret:
            response = HttpResponseNotModified()
        else:
            gzip = "gzip" in request.headers.get("Accept-Encoding", "")
            values = [
                mask_secret(secret).encode() if hole == "csrfmiddlewaretoken" else new_started_token().encode()
                for hole in page.holes
            ]
            body = page.body(values, gzip)
            response = HttpResponse(b"" if request.method == "HEAD" else body, status=page.status)
            for name, value in page.headers:
                response[name] = value
            response["Content-Length"] = str(len(body))
            if gzip:
                response["Content-Encoding"] = "gzip"
        response["ETag"] = page.etag
        response["Last-Modified"] = page.last_modified
        response["Vary"] = "Accept-Encoding, Cookie"
        response["Cache-Control"] = "private, no-cache" if page.has_form else "public, no-cache"
        if new_secret:
            response.set_cookie(
                settings.CSRF_COOKIE_NAME,
                secret,
                max_age=settings.CSRF_COOKIE_AGE,
                domain=settings.CSRF_COOKIE_DOMAIN,
                path=settings.CSRF_COOKIE_PATH,
                secure=settings.CSRF_COOKIE_SECURE,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite=settings.CSRF_COOKIE_SAMESITE,
            )
        return response
