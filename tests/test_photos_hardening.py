"""Issue 22: what an outside attack found in the media view and the photo upload, kept from coming back."""

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from PIL import Image

from exercises.photos import processing, services
from exercises.photos.models import Photo, PhotoRendition
from tests.conftest import make_photo, picture_bytes

# The sizes made are listed on the page as rows to look at; the form sends their (empty) management data.
RENDITION_ROWS = {"renditions-TOTAL_FORMS": "0", "renditions-INITIAL_FORMS": "0"}

# --- The media view serves files, and nothing else -----------------------------------------------


@pytest.fixture
def stored_photo(db):
    photo = make_photo()
    yield photo
    remove_files(photo)


def remove_files(photo: Photo) -> None:
    """The photo's files, and the folder its hash names, go: the tests' media folder stays as it was."""
    for name in [photo.file.name, *(r.file.name for r in photo.renditions.all())]:
        default_storage.delete(name)
    folder = default_storage.path(photo.file.name.rsplit("/", 1)[0])
    if os.path.isdir(folder) and not os.listdir(folder):
        os.rmdir(folder)


def test_a_folder_under_media_is_a_404_and_mails_nobody(stored_photo, settings, mailoutbox):
    settings.ADMINS = [("Staff", "staff@example.com")]
    folder = stored_photo.file.name.rsplit("/", 1)[0]
    client = Client(raise_request_exception=False)

    through_a_file = f"{stored_photo.file.name}/x"
    for path in ("photos/", "photos/.", "photos/..", folder, f"{folder}/", f"{folder}/.", through_a_file):
        assert client.get(f"/media/{path}").status_code == 404, path
    assert mailoutbox == []
    assert client.get(stored_photo.file.url).status_code == 200


def test_a_weak_tag_matching_the_files_is_answered_with_a_304(stored_photo):
    url = stored_photo.file.url
    tag = Client().get(url)["ETag"]

    response = Client().get(url, headers={"if-none-match": f"W/{tag}"})

    assert response.status_code == 304
    assert response["ETag"] == tag
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Client().get(url, headers={"if-none-match": 'W/"photos/other.jpg"'}).status_code == 200


# --- What an upload may be, and what a failed one leaves ------------------------------------------


@pytest.fixture
def staff(db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def media_files(settings):
    """The files under the media folder before the test; any the test leaves are removed, and listed."""

    def files() -> set[Path]:
        return {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}

    before, folders = files(), {path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_dir()}
    yield lambda: sorted(files() - before)
    for path in files() - before:
        path.unlink()
    for folder in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        if folder.is_dir() and folder not in folders and not any(folder.iterdir()):
            folder.rmdir()


def upload(staff, name, data, **fields):
    form = {"alt_text": "A coach at the hip thrust bench", "key": "", "caption": "", "credit": "", **RENDITION_ROWS}
    form.update(fields)
    form["upload"] = SimpleUploadedFile(name, data)
    return staff.post(reverse("admin:exercises_photo_add"), form)


def errors_of(response) -> str:
    return " ".join(str(error) for errors in response.context["adminform"].form.errors.values() for error in errors)


def mpo_bytes() -> bytes:
    """What a phone writes: a JPEG, then after it (the MPF block says where) a second, smaller picture."""
    photo = Image.new("RGB", (1200, 900), (180, 90, 40))
    depth_map = Image.new("RGB", (300, 200), (10, 10, 10))
    buffer = io.BytesIO()
    photo.save(buffer, format="MPO", save_all=True, append_images=[depth_map])
    return buffer.getvalue()


def test_a_phone_jpeg_with_an_mpf_block_is_taken_as_the_jpeg_it_is(staff, media_files):
    data = mpo_bytes()
    assert Image.open(io.BytesIO(data)).format == "MPO"

    response = upload(staff, "IMG_2041.jpg", data)

    assert response.status_code == 302, errors_of(response)
    photo = Photo.objects.get()
    with photo.file.open("rb") as stored:
        kept = Image.open(io.BytesIO(stored.read()))
        assert kept.format == "JPEG" and kept.size == (1200, 900)
        assert kept.getpixel((1000, 450)) == pytest.approx((180, 90, 40), abs=4)
    assert photo.renditions.count() == 6  # 480, 800 and 1200 px, AVIF and JPEG


@pytest.mark.parametrize("size", [(40_000, 1), (1, 40_000), (2_200, 200)])
def test_a_line_of_pixels_is_refused_with_the_reason_and_leaves_no_file(staff, media_files, size):
    response = upload(staff, "line.png", picture_bytes(size=size, format="PNG"))

    assert response.status_code == 200
    assert "one side is more than 10 times the other" in errors_of(response)
    assert not Photo.objects.exists() and not PhotoRendition.objects.exists()
    assert media_files() == []


def test_a_panorama_ten_times_as_wide_as_it_is_high_is_taken(db, media_files):
    photo = make_photo(size=(2_000, 200))

    assert sorted((r.width, r.height) for r in photo.renditions.filter(format="jpeg")) == [
        (480, 48),
        (800, 80),
        (1200, 120),
        (1600, 160),
    ]


def test_a_save_that_fails_half_way_removes_the_files_it_wrote(db, media_files, monkeypatch):
    cleaned = processing.clean_upload("bench.jpg", picture_bytes())
    real_save, saved = PhotoRendition.save, []

    def fail_on_the_third(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 3:
            raise IntegrityError("the database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(PhotoRendition, "save", fail_on_the_third)

    with pytest.raises(IntegrityError):
        services.store_photo(photo=Photo(key="bench", alt_text="The bench"), upload=cleaned)

    assert not Photo.objects.exists()
    assert media_files() == []


def test_an_upload_larger_than_any_photo_is_refused_before_its_body_is_read(staff):
    class Unread:
        """A request body that fails the test when anything reads it."""

        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = staff.post(
        reverse("admin:exercises_photo_add"),
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        **{"wsgi.input": Unread()},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exercises_photo_add")
    page = staff.get(response["Location"]).content.decode()
    assert "Nothing was saved: the upload is 200.0 MB, and a photo may be up to 20 MB." in page
    assert not Photo.objects.exists()


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(staff, media_files, monkeypatch):
    monkeypatch.setattr(processing, "MAX_BYTES", 1_000)
    read = []
    monkeypatch.setattr(processing, "clean_upload", lambda name, data: read.append(name))

    response = upload(staff, "big.jpg", picture_bytes())

    assert "the limit is 20 MB" in errors_of(response)
    assert read == [] and not Photo.objects.exists()


def test_each_size_is_made_without_decoding_the_upload_again(db, media_files, monkeypatch):
    """A 39 MP photo took 19 to 28 s to save, against a 30 s worker timeout: the upload was decoded anew for
    each of its eight files. It is decoded once now (opened twice: to check it, then to read it)."""
    data = picture_bytes(size=(2_400, 1_600))
    real_open, opened = Image.open, []

    def counting_open(*args, **kwargs):
        opened.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)

    cleaned = processing.clean_upload("bench.jpg", data)
    services.store_photo(photo=Photo(key="bench", alt_text="The bench"), upload=cleaned)

    assert Photo.objects.get().renditions.count() == 8
    assert len(opened) == 2
