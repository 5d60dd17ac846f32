"""A full-page cache for public pages, the same bytes for every anonymous reader. It imports nothing of the
site; settings.PAGE_CACHE names, as dotted paths:

- "PAGES": a callable returning every public path, most visited first, which warm() renders;
- "NEXT_CHANGE": a callable returning when the pages next change with nobody saving (a datetime), or None;
- "RELEASE_FROM": the folders under BASE_DIR whose files render pages.

Views opt in with @public_page. After a content change call mark_stale(); warm() renders the pages again.
"""

from .middleware import PageCacheMiddleware, public_page
from .store import CACHE_ALIAS, is_cached, mark_stale, release, warm

__all__ = ["CACHE_ALIAS", "PageCacheMiddleware", "is_cached", "mark_stale", "public_page", "release", "warm"]
