"""Issue 22: what an outside attack found in the media view and the photo upload, kept from coming back."""

import os

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from exercises.photos.models import Photo
from tests.conftest import make_photo

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
