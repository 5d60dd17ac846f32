"""A cached page: the bytes every anonymous reader gets, gzip-compressed once."""

import gzip
import hashlib
import time
from dataclasses import dataclass

from django.utils.http import http_date

# Headers the cache sets itself, or that belong to the one request that rendered the page.
NOT_REPLAYED = {"set-cookie", "vary", "content-length", "cache-control", "expires", "etag", "last-modified"}


@dataclass(frozen=True)
class CachedPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzipped: bytes
    etag: str  # strong: the body's own hash; the gzip copy, another representation, adds "-gzip"
    last_modified: str
    expires_at: float
    generation: int  # the content it was rendered from; never served for any other

    @classmethod
    def of(cls, response, *, generation: int, lifetime: float) -> "CachedPage":
        body = response.content
        return cls(
            status=response.status_code,
            headers=tuple((k, v) for k, v in response.items() if k.lower() not in NOT_REPLAYED),
            body=body,
            gzipped=gzip.compress(body, mtime=0),  # no time stamp: the same page, the same bytes
            etag=hashlib.sha256(body).hexdigest()[:32],
            last_modified=http_date(),
            expires_at=time.time() + lifetime,
            generation=generation,
        )
