"""Where pages are kept: the shared cache (files, or Redis), a copy in each process, and the generation."""

import hashlib
import logging
import math
import os
import time
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.handlers.base import BaseHandler
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.test import RequestFactory
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("exercises.pagecache")
CACHE_ALIAS = "pages"
GENERATION_KEY = "pages:generation"
# How long a process trusts the generation it last read: an edit reaches every process within this.
TRUST_SECONDS = 1.0


class Memory:
    """This process's copy: the generation it last read, when, and the pages of that generation."""

    def __init__(self):
        self.generation, self.read_at, self.pages = None, -math.inf, {}

    def remember(self, generation: int) -> None:
        if generation != self.generation:
            self.pages = {}
        self.generation, self.read_at = generation, time.monotonic()


memory = Memory()


@cache
def configured(name: str):
    """A PAGE_CACHE setting, its dotted paths imported."""
    value = settings.PAGE_CACHE[name]
    return import_string(value) if isinstance(value, str) else value


def generation(*, trusted: bool = True) -> int:
    """The content generation, read from the shared cache at most once per TRUST_SECONDS."""
    if trusted and time.monotonic() - memory.read_at < TRUST_SECONDS:
        return memory.generation
    if (current := caches[CACHE_ALIAS].get(GENERATION_KEY)) is None:
        caches[CACHE_ALIAS].add(GENERATION_KEY, int.from_bytes(os.urandom(8)), timeout=None)
        current = caches[CACHE_ALIAS].get(GENERATION_KEY)
    memory.remember(current)
    return current


def mark_stale() -> None:
    """Every cached page is out of date: this process stops serving them at once, others within TRUST_SECONDS."""
    fresh = int.from_bytes(os.urandom(8))
    caches[CACHE_ALIAS].set(GENERATION_KEY, fresh, timeout=None)
    memory.remember(fresh)


def key(path: str) -> str:
    # One entry a page, overwritten by each render, so edits leave no old copies behind.
    return f"page:{release()}:{hashlib.sha256(path.encode()).hexdigest()}"


def lookup(path: str, current: int):
    page = memory.pages.get(page_key := key(path)) or caches[CACHE_ALIAS].get(page_key)
    if page is None or page.generation != current or page.expires_at <= time.time():
        return None
    memory.pages[page_key] = page
    return page


def keep(path: str, page) -> None:
    caches[CACHE_ALIAS].set(key(path), page, timeout=math.ceil(page.expires_at - time.time()))
    if page.generation == memory.generation:  # not when content changed during the render
        memory.pages[key(path)] = page


def is_cached(path: str) -> bool:
    """Whether the shared cache holds this page for the current content."""
    page = caches[CACHE_ALIAS].get(key(path))
    return page is not None and page.generation == caches[CACHE_ALIAS].get(GENERATION_KEY)


def lifetime() -> float:
    """Seconds a page rendered now may be served: at most until the content next changes by itself."""
    seconds = float(settings.PAGE_CACHE_SECONDS)
    if (next_change := configured("NEXT_CHANGE")()) is not None:
        seconds = min(seconds, (next_change - timezone.now()).total_seconds())
    return max(seconds, 1.0)


@cache
def release() -> str:
    """A fingerprint of what renders the pages (code, templates, static files, the site's address), part of
    every key: a deploy never serves the last release's pages, and in a rolling deploy each serves its own."""
    digest = hashlib.sha256(settings.SITE_URL.encode())
    digest.update(getattr(staticfiles_storage, "manifest_hash", "").encode())
    for root in (settings.BASE_DIR / folder for folder in configured("RELEASE_FROM")):
        for path in sorted(path for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def handler() -> BaseHandler:
    """Django's handler with the site's middleware, built once per process: building it costs more than a render."""
    built = BaseHandler()
    built.load_middleware()
    return built


def warm() -> None:
    """Render every public page into the cache, as a reader on SITE_URL gets it on a first visit."""
    generation(trusted=False)  # another process may have marked the pages stale just now
    site = urlsplit(settings.SITE_URL)
    factory = RequestFactory(headers={"host": site.netloc})
    for path in configured("PAGES")():
        try:
            status = handler().get_response(factory.get(path, secure=site.scheme == "https")).status_code
        except Exception:
            logger.exception("page cache: could not render %s", path)
            continue
        if status != 200:
            logger.warning("page cache: %s answered %s; it renders on its first visit", path, status)


@receiver(setting_changed)
def forget_settings(**kwargs) -> None:
    for cached in (configured, release, handler):  # middleware read their settings when built
        cached.cache_clear()
