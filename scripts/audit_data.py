"""`make audit`'s data: a throwaway copy of the site's content in one folder, with two test photos on an exercise.

    audit_data.py DIR SITE_URL EXERCISE_SLUG

Run by scripts/audit.sh, which deletes DIR afterwards. The database is a copy of the SQLite
file `make setup` migrated (.env's DATABASE_URL, default var/db.sqlite3), with copies of the
photo files its rows name; when .env points at another database or keeps photos in an S3
bucket, it is a fresh SQLite database with the shipped article instead. Either way nothing the
site really uses is written: the photos, the page cache and the job queue are in DIR too.

Two generated pictures (Pillow; the gym ships no photos) are stored through
exercises.photos.services.store_photo, as an upload in the admin is, and shown on the
exercise as its start and end positions. The pages are then rendered into DIR's page cache
for SITE_URL, as the content job renders them after an edit.

Writes DIR/server.env, the variables (KEY=VALUE, one a line) that make gunicorn serve this
copy, and DIR/exercise-path, the photographed exercise's page; prints what it did.
"""

import contextlib
import io
import os
import random
import shutil
import sqlite3
import sys
from pathlib import Path

import dj_database_url
from served import ROOT, read_env_file, setup_django

# (file name, label, what it shows, colours): sized as a phone's photo is, with detail for the encoders.
TEST_PHOTOS = [
    ("audit-start.jpg", "Start position", "Test picture: shoulders on the bench, hips low", (40, 70, 130)),
    ("audit-end.jpg", "End position", "Test picture: hips up, level from knees to shoulders", (170, 90, 40)),
]
TEST_PHOTO_SIZE = (2400, 1600)


def source_settings() -> dict[str, str]:
    """The variables the site runs with: .env, with the environment winning (as config/settings.py reads them)."""
    return {**read_env_file(ROOT / ".env"), **os.environ}


def throwaway_settings(folder: Path, site_url: str) -> dict[str, str]:
    """Everything that is written goes to the folder: database, photos, page cache, job queue (beside the database)."""
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_MEDIA_S3_BUCKET": "",
        "DJANGO_MEDIA_S3_DOMAIN": "",
        "DJANGO_PAGE_CACHE_DIR": str(folder / "page-cache"),
        "REDIS_URL": "",
        "SITE_URL": site_url,
    }


def copy_database(source: dict[str, str], folder: Path) -> Path | None:
    """Copy the site's SQLite file into the folder; None when the site's data is not all on this disk."""
    database_url = source.get("DATABASE_URL", "")
    if (database_url and not database_url.startswith("sqlite")) or source.get("DJANGO_MEDIA_S3_BUCKET"):
        return None
    original = ROOT / (dj_database_url.parse(database_url)["NAME"] if database_url else "var/db.sqlite3")
    if not original.exists():
        raise SystemExit(f"{original} is missing: run `make setup` first")
    with (
        contextlib.closing(sqlite3.connect(original)) as src,
        contextlib.closing(sqlite3.connect(folder / "db.sqlite3")) as dst,
    ):
        src.backup(dst)
    return original


def copy_photo_files(source: dict[str, str], folder: Path) -> int:
    """Copy the files the copied rows name from the site's media folder; the originals are only read."""
    from exercises.photos.models import Photo, PhotoRendition

    media = ROOT / (source.get("DJANGO_MEDIA_ROOT") or "var/media")
    names = [*Photo.objects.values_list("file", flat=True), *PhotoRendition.objects.values_list("file", flat=True)]
    copied = 0
    for name in names:
        original, copy = media / name, folder / "media" / name
        if name and original.is_file():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, copy)
            copied += 1
    return copied


def test_picture(color: tuple[int, int, int], seed: int) -> bytes:
    """A JPEG with what makes a camera's photo cost bytes: light and shade, many small edges, and grain."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = TEST_PHOTO_SIZE
    light = Image.linear_gradient("L").rotate(90).resize(TEST_PHOTO_SIZE)
    lit, shade = Image.new("RGB", TEST_PHOTO_SIZE, color), Image.new("RGB", TEST_PHOTO_SIZE, (20, 20, 24))
    picture = Image.composite(shade, lit, light)  # lit on the left, in shade on the right
    draw = ImageDraw.Draw(picture)
    chance = random.Random(seed)  # the same picture every run
    for _ in range(600):  # the gym behind: plates, racks, people
        x, y, size = chance.uniform(0, width), chance.uniform(0, height * 0.6), chance.uniform(8, 90)
        tint = tuple(min(255, max(0, part + chance.randint(-70, 70))) for part in color)
        draw.ellipse((x, y, x + size, y + size * chance.uniform(0.4, 1.6)), fill=tint)
    draw.rectangle((width * 0.1, height * 0.62, width * 0.9, height * 0.7), fill=(60, 60, 64))  # the bench
    draw.ellipse((width * 0.3, height * 0.25, width * 0.55, height * 0.6), fill=(210, 170, 140))
    picture = picture.filter(ImageFilter.GaussianBlur(2))
    picture = Image.blend(picture, Image.effect_noise(TEST_PHOTO_SIZE, 40).convert("RGB"), 0.1)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def add_test_photos(slug: str) -> str:
    """Store the two test photos and show them on the exercise, after any it has; its page's path."""
    from django.db.models import Max

    from exercises.library.models import Exercise
    from exercises.photos import processing, services
    from exercises.photos.models import ExercisePhoto, Photo

    exercise = Exercise.objects.published().filter(slug=slug).first()
    if exercise is None:
        raise SystemExit(f"No published exercise “{slug}” to show the test photos on (AUDIT_EXERCISE)")
    last = exercise.photos.aggregate(last=Max("position"))["last"] or 0
    for number, (name, label, alt_text, color) in enumerate(TEST_PHOTOS, 1):
        upload = processing.clean_upload(name, test_picture(color, seed=number))
        photo = services.store_photo(photo=Photo(key=services.key_from_name(name), alt_text=alt_text), upload=upload)
        ExercisePhoto.objects.create(exercise=exercise, photo=photo, label=label, position=last + number)
    return exercise.get_absolute_url()


def main(folder: Path, site_url: str, slug: str) -> None:
    source = source_settings()
    folder.mkdir(parents=True, exist_ok=True)
    original = copy_database(source, folder)
    server = throwaway_settings(folder, site_url)
    # This process works on the copy; its content job runs here, at once, rendering into the copy's cache.
    os.environ.update(server, HUEY_IMMEDIATE="true", DJANGO_SETTINGS_MODULE="config.settings")
    setup_django()
    from django.core.management import call_command

    if original is None:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("load_initial_data", stdout=io.StringIO())
        print("Data: a fresh SQLite database with the shipped article (.env's data is not all on this disk)")
    else:
        call_command("migrate", "--noinput", verbosity=0)  # `make setup` migrated it: nothing to do, normally
        print(f"Data: a copy of {original.relative_to(ROOT)} and {copy_photo_files(source, folder)} of its photo files")
    path = add_test_photos(slug)
    print(f"Two test photos added to {path}, in {folder.relative_to(ROOT)}/ (deleted at the end)")
    (folder / "server.env").write_text("".join(f"{key}={value}\n" for key, value in server.items()))
    (folder / "exercise-path").write_text(path)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.split("\n\n")[1].strip())
    main(Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3])
