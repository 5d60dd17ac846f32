"""Pictures as bytes: what an upload must be, its cleaned copy, and its sizes. Knows nothing of the site.

Everything here reads the file itself, never trusts its name or its declared type, and works on a copy
that keeps no metadata: the EXIF block (camera, time, GPS position) and any text chunks go.
"""

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# What the name may say, and the content Pillow must then find in the file.
FORMATS_BY_EXTENSION = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# A phone's width, a tablet's, a laptop's, and a sharp screen's; none wider than the upload.
WIDTHS = (480, 800, 1200, 1600)
ACCEPTED = "Upload a JPEG, PNG or WebP."


class Refused(ValueError):
    """The upload is not taken; the message says why, in words for the person who sent it."""


@dataclass(frozen=True)
class Cleaned:
    content: bytes
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


@dataclass(frozen=True)
class Encoded:
    content: bytes
    width: int
    height: int


def clean_upload(name: str, data: bytes) -> Cleaned:
    """The upload, checked and re-encoded upright without its metadata, or Refused with the reason."""
    extension = PurePath(name).suffix.lower()
    if extension == ".svg":
        raise Refused(f"SVG files are not accepted: they can carry scripts. {ACCEPTED}")
    if extension not in FORMATS_BY_EXTENSION:
        raise Refused(f"“{PurePath(name).name}” is not a picture file this library takes. {ACCEPTED}")
    if len(data) > MAX_BYTES:
        raise Refused(f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is 20 MB. Export it smaller.")
    with warnings.catch_warnings():
        # Pillow only warns up to twice its own limit; anything it thinks could be a bomb is refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                found, (width, height) = probe.format, probe.size
                _refuse_too_big(width, height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()
                upright = ImageOps.exif_transpose(picture)
        except Refused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise Refused(
                f"This file unpacks into far more pixels than it seems to hold, so it is refused. {ACCEPTED}"
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise Refused(f"This file could not be opened as a picture (it may be damaged). {ACCEPTED}") from None
    expected = FORMATS_BY_EXTENSION[extension]
    if found != expected:
        raise Refused(
            f"The name ends in {extension} but the file holds a {found or 'different'} picture. Rename it to "
            f"match what it is, or export it again. {ACCEPTED}"
        )
    return Cleaned(_encode(upright, found), found, upright.width, upright.height)


def _refuse_too_big(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise Refused(
            f"The picture is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels); the limit is 40 "
            "megapixels. Export it smaller."
        )


def _encode(picture: Image.Image, format: str, **options) -> bytes:
    """A fresh file from the pixels alone: no EXIF, no text chunks, no comments."""
    picture.info = {}
    if format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = _on_white(picture)
    elif picture.mode == "P":
        picture = picture.convert("RGBA")
    buffer = io.BytesIO()
    defaults = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {"optimize": True}}.get(format, {})
    picture.save(buffer, format, **{**defaults, **options})
    return buffer.getvalue()


def _on_white(picture: Image.Image) -> Image.Image:
    rgba = picture.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def rendition_widths(width: int) -> list[int]:
    """The sizes made of a photo this wide: the standard ones below it, and it itself when it is narrower."""
    widths = [size for size in WIDTHS if size < width]
    widest = min(width, WIDTHS[-1])
    return widths if widest in widths else [*widths, widest]


def resized(content: bytes, width: int, format: str) -> Encoded:
    """The picture scaled to this width, in AVIF or JPEG, ready for the web."""
    with Image.open(io.BytesIO(content)) as picture:
        height = round(picture.height * width / picture.width)
        scaled = picture.resize((width, height), Image.Resampling.LANCZOS) if width != picture.width else picture.copy()
    options = {"AVIF": {"quality": 60, "speed": 7}, "JPEG": {"quality": 80, "optimize": True, "progressive": True}}
    return Encoded(_encode(scaled, format, **options[format]), width, height)


def cropped(content: bytes, size: tuple[int, int], focus: tuple[float, float]) -> bytes:
    """The picture cut to this size around its focal point, as a JPEG (for a share card)."""
    with Image.open(io.BytesIO(content)) as picture:
        fitted = ImageOps.fit(picture, size, Image.Resampling.LANCZOS, centering=focus)
    return _encode(fitted, "JPEG", quality=85, optimize=True)
