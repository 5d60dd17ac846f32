"""A cached page: its body in segments around the holes, each segment gzip-compressed once."""

import hashlib
import re
import secrets
import time
import zlib
from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date

from . import store

# Made per process and never sent, so no content can hold it: a hole is only where a template put one.
MARKER = secrets.token_hex(16)
HOLE = re.compile(rb"\x00" + MARKER.encode() + rb":(\w+)\x00")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
# Headers that belong to one visitor, or that the cache sets itself.
NOT_REPLAYED = {"set-cookie", "vary", "content-length", "cache-control", "expires", "etag", "last-modified"}


def holes(request) -> dict:
    """Context processor: each per-visitor value by name, or a hole where the page is rendered for the cache."""

    def value(name: str) -> str:
        if getattr(request, "renders_for_page_cache", False):
            return f"\x00{MARKER}:{name}\x00"
        return store.configured("HOLES")[name](request)

    return {name: SimpleLazyObject(lambda name=name: value(name)) for name in store.configured("HOLES")}


def split(body: bytes) -> tuple[list[bytes], list[str]]:
    parts = HOLE.split(body)
    return parts[0::2], [name.decode() for name in parts[1::2]]


def join(segments, values: list[bytes]) -> bytes:
    return b"".join(part for pair in zip(segments, [*values, b""], strict=True) for part in pair)


def deflate(segment: bytes, *, last: bool) -> bytes:
    """Deflate blocks that stand alone: a full flush ends them on a byte boundary with no history kept, so
    any block may follow. Only the last segment ends the stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(segment) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


@dataclass(frozen=True)
class CachedPage:
    status: int
    headers: tuple[tuple[str, str], ...]
    segments: tuple[bytes, ...]
    holes: tuple[str, ...]  # the name of the value between each two segments
    deflated: tuple[bytes, ...]
    first_crc: int  # gzip's checksum runs over the whole page, and most of it is the first segment
    etag: str
    last_modified: str
    expires_at: float
    generation: int  # the content it was rendered from; never served for any other

    @classmethod
    def of(cls, response, *, generation: int, lifetime: float) -> "CachedPage":
        segments, holes = split(response.content)
        digest = hashlib.sha256(b"".join(segments)).hexdigest()[:32]
        return cls(
            status=response.status_code,
            headers=tuple((k, v) for k, v in response.items() if k.lower() not in NOT_REPLAYED),
            segments=tuple(segments),
            holes=tuple(holes),
            deflated=tuple(deflate(s, last=i == len(holes)) for i, s in enumerate(segments)),
            first_crc=zlib.crc32(segments[0]),
            # Pages with holes differ by the visitor's values only, hence a weak validator.
            etag=f'W/"{digest}"' if holes else f'"{digest}"',
            last_modified=http_date(),
            expires_at=time.time() + lifetime,
            generation=generation,
        )

    def body(self, values: list[bytes], *, gzip: bool) -> bytes:
        if not gzip:
            return join(self.segments, values)
        # One gzip member (RFC 1952): each value goes in as an uncompressed, non-final deflate block (RFC 1951,
        # 3.2.4) between the segments' blocks, so nothing is compressed per request.
        parts, crc = [GZIP_HEADER, self.deflated[0]], self.first_crc
        for value, segment, deflated in zip(values, self.segments[1:], self.deflated[1:], strict=True):
            size = len(value).to_bytes(2, "little")
            parts += [b"\x00", size, bytes(~byte & 0xFF for byte in size), value, deflated]
            crc = zlib.crc32(segment, zlib.crc32(value, crc))
        length = sum(map(len, self.segments)) + sum(map(len, values))
        return b"".join([*parts, crc.to_bytes(4, "little"), (length & 0xFFFFFFFF).to_bytes(4, "little")])
