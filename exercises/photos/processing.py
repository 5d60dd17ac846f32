"""Pictures as bytes: what an upload must be, its cleaned copy, and its sizes. Knows nothing of the site.

Everything here reads the file itself, never trusts its name or its declared type, and works on a copy
that keeps no metadata: the EXIF block (camera, time, GPS position) and any text chunks go.
"""

import io
import warnings
from dataclasses import dataclass, field
from pathlib import PurePath

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
# The longest side at most this many times the shortest: a wide panorama is taken, a line of pixels is not
# (its smaller sizes would be less than a pixel high).
MAX_RATIO = 10
# What the name may say, and the content Pillow must then find in the file.
FORMATS_BY_EXTENSION = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# A phone's width, a tablet's, a laptop's, and a sharp screen's; none wider than the upload.
WIDTHS = (480, 800, 1200, 1600)
# The cleaned original is the source of crops, never sent to pages, so its encoder is set for speed: a 39 MP
# WebP took 4.3 s at method 4 and 1.2 s at method 0 (8% larger); PNG's optimize is zlib's slowest level.
ORIGINAL_OPTIONS = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90, "method": 0}, "PNG": {"compress_level": 6}}
# AVIF at speed 8 made the four sizes of a 39 MP test photo in 2.0 s of CPU, speed 7 in 3.1 s for files 9%
# smaller: the difference that keeps a save well inside gunicorn's 30 s on a busy two-core machine.
RENDITION_OPTIONS = {
    "AVIF": {"quality": 60, "speed": 8},
    "JPEG": {"quality": 80, "optimize": True, "progressive": True},
}
ACCEPTED = "Upload a JPEG, PNG or WebP."


class Refused(ValueError):
    """The upload is not taken; the message says why, in words for the person who sent it."""


@dataclass(frozen=True)
class Cleaned:
    content: bytes
    format: str
    width: int
    height: int
    # The pixels at the widest size made of them, scaled while the upload was open: the sizes are made from
    # these, not by decoding the whole file again.
    widest: Image.Image = field(repr=False, compare=False)

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
    refuse_too_large(len(data))
    with warnings.catch_warnings():
        # Pillow only warns up to twice its own limit; anything it thinks could be a bomb is refused.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                found, (width, height) = _format(probe), probe.size
                _refuse_too_big(width, height)
                _refuse_odd_shape(width, height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as picture:
                picture.load()
                # In place: a copy of a 39 MP picture is 117 MB more memory and 0.1 s, for nothing.
                ImageOps.exif_transpose(picture, in_place=True)
                upright = picture
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
    upright = _web_ready(upright, found)
    width = min(upright.width, WIDTHS[-1])
    widest = (width, _height(upright.size, width))
    # A box filter first halves (or more) a picture over twice as wide, as thumbnail() does; Lanczos then
    # scales what is left. A 39 MP photo: 0.3 s of CPU, against 0.6 s for Lanczos over all of it.
    scaled = upright.resize(widest, Image.Resampling.LANCZOS, reducing_gap=2.0) if widest != upright.size else upright
    return Cleaned(_encode(upright, found), found, upright.width, upright.height, scaled)


def refuse_too_large(size: int) -> None:
    """Refused when a file of this many bytes is over the limit: asked before it is read, where that is known."""
    if size > MAX_BYTES:
        raise Refused(f"The file is {size / 1024 / 1024:.1f} MB; the limit is 20 MB. Export it smaller.")


def _format(probe: Image.Image) -> str | None:
    # Most phones write a JPEG with an MPF block (a depth map or a preview after the photo), which Pillow
    # calls MPO: it is a JPEG, and its first frame, the one Pillow loads, is the photo.
    return "JPEG" if probe.format == "MPO" else probe.format


def _refuse_odd_shape(width: int, height: int) -> None:
    if max(width, height) > MAX_RATIO * min(width, height):
        raise Refused(
            f"The picture is {width} × {height} pixels: one side is more than {MAX_RATIO} times the other, too "
            "long and thin for a page. Crop it closer to the usual shape of a photo."
        )


def _refuse_too_big(width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise Refused(
            f"The picture is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels); the limit is 40 "
            "megapixels. Export it smaller."
        )


def _encode(picture: Image.Image, format: str, **options) -> bytes:
    """A fresh file from the pixels alone: no EXIF, no text chunks, no comments."""
    picture.info = {}
    picture = _web_ready(picture, format)
    buffer = io.BytesIO()
    defaults = ORIGINAL_OPTIONS.get(format, {})
    picture.save(buffer, format, **{**defaults, **options})
    return buffer.getvalue()


def _web_ready(picture: Image.Image, format: str) -> Image.Image:
    """Pixels every encoder here takes: a JPEG has no transparency, and nothing is scaled as a palette."""
    if format == "JPEG" and picture.mode not in ("RGB", "L"):
        return _on_white(picture)
    if picture.mode == "P":
        return picture.convert("RGBA")
    return picture


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


def renditions(upload: Cleaned) -> list[tuple[str, Encoded]]:
    """(format, file) for every size made of the picture, widest first, ready for the web.

    Every size is scaled from the one copy clean_upload made at the widest size. Decoding the whole upload
    anew for each of the eight files made a 39 MP photo cost 10 s of CPU (up to 28 s on a busy machine).
    """
    made = []
    for width in sorted(rendition_widths(upload.width), reverse=True):
        size = (width, _height((upload.width, upload.height), width))
        scaled = upload.widest if size == upload.widest.size else upload.widest.resize(size, Image.Resampling.LANCZOS)
        made += [
            (kind, Encoded(_encode(scaled, kind, **options), *size)) for kind, options in RENDITION_OPTIONS.items()
        ]
    return made


def _height(size: tuple[int, int], width: int) -> int:
    return max(1, round(size[1] * width / size[0]))


def cropped(content: bytes, size: tuple[int, int], focus: tuple[float, float]) -> bytes:
    """The picture cut to this size around its focal point, as a JPEG (for a share card)."""
    with Image.open(io.BytesIO(content)) as picture:
        fitted = ImageOps.fit(picture, size, Image.Resampling.LANCZOS, centering=focus)
    return _encode(fitted, "JPEG", quality=85, optimize=True)
