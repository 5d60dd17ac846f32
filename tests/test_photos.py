"""The photo library: what an upload must be, what is kept of it, the sizes made, and where photos show."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from exercises.articles.models import Comparison, Section, SectionKind
from exercises.library.models import Exercise
from exercises.photos import processing, services
from exercises.photos.models import ExercisePhoto, Photo, RenditionFormat
from tests.conftest import make_comparison, make_exercise, make_photo, make_test_coach, picture_bytes

ARTICLE = "/compare/leg-press-vs-hip-thrust/"


@pytest.fixture
def staff(db):
    user = get_user_model().objects.create_superuser("editor", "editor@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


# The sizes made are listed on the page as rows to look at; the form sends their (empty) management data.
RENDITION_ROWS = {"renditions-TOTAL_FORMS": "0", "renditions-INITIAL_FORMS": "0"}


def upload(staff, name, data, **fields):
    form = {"alt_text": "A coach at the hip thrust bench", "key": "", "caption": "", "credit": "", **RENDITION_ROWS}
    form.update(fields)
    form["upload"] = SimpleUploadedFile(name, data)
    return staff.post(reverse("admin:exercises_photo_add"), form)


def errors_of(response) -> str:
    return " ".join(
        str(error) for form_errors in response.context["adminform"].form.errors.values() for error in form_errors
    )


# --- What an upload must be ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG files are not"),
        ("notes.txt", b"just words", "not a picture file this library takes"),
        ("broken.jpg", picture_bytes()[:400], "could not be opened as a picture"),
        ("random.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "could not be opened as a picture"),
        ("photo.png", picture_bytes(format="JPEG"), "ends in .png but the file holds a JPEG picture"),
        ("photo.jpg", picture_bytes(format="PNG"), "ends in .jpg but the file holds a PNG picture"),
    ],
)
def test_an_upload_that_is_not_a_clean_picture_is_refused_with_the_reason(staff, name, data, says):
    response = upload(staff, name, data)

    assert response.status_code == 200
    assert says in errors_of(response)
    assert not Photo.objects.exists()


def test_a_picture_over_40_megapixels_is_refused_before_it_is_unpacked(staff):
    # A single colour packs 50 megapixels into a small PNG: what a decompression bomb looks like.
    bomb = picture_bytes(size=(10_000, 5_000), format="PNG")
    assert len(bomb) < 1_000_000

    response = upload(staff, "huge.png", bomb)

    assert "10000 × 5000 pixels (50 megapixels); the limit is 40" in errors_of(response)


def test_pillows_own_bomb_guard_is_a_refusal_too(monkeypatch):
    monkeypatch.setattr(processing, "MAX_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)

    with pytest.raises(processing.Refused, match="far more pixels than it seems to hold"):
        processing.clean_upload("wide.png", picture_bytes(size=(3_000, 1_000), format="PNG"))


def test_a_file_over_20_mb_is_refused(monkeypatch):
    monkeypatch.setattr(processing, "MAX_BYTES", 1_000)

    with pytest.raises(processing.Refused, match="the limit is 20 MB"):
        processing.clean_upload("big.jpg", picture_bytes())


def test_a_photo_needs_a_description_unless_it_is_decorative(staff):
    response = upload(staff, "bench.jpg", picture_bytes(), alt_text="")

    text = errors_of(response)
    assert "Describe the photo for readers who cannot see it" in text
    assert "Choose the file again" in text
    assert not Photo.objects.exists()

    upload(staff, "bench.jpg", picture_bytes(), alt_text="", decorative="on")
    assert Photo.objects.get().alt == ""


# --- What is kept of it --------------------------------------------------------------------------


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = "Phone 12"  # camera model
    exif[0x0112] = 6  # orientation: taken sideways, to be turned 90° clockwise
    exif.get_ifd(0x8825)[2] = (30.0, 16.0, 2.0)  # GPS latitude
    return exif


def test_the_camera_data_and_gps_are_removed_and_the_picture_turned_upright(staff):
    sideways = picture_bytes(size=(1200, 800), exif=exif_with_gps().tobytes())
    assert Image.open(io.BytesIO(sideways)).getexif().get_ifd(0x8825)

    upload(staff, "sideways.jpg", sideways)

    photo = Photo.objects.get()
    with photo.file.open("rb") as stored:
        kept = Image.open(io.BytesIO(stored.read()))
    assert dict(kept.getexif()) == {}
    assert kept.size == (800, 1200) == (photo.width, photo.height)
    assert photo.key == "sideways"


# --- The sizes made ------------------------------------------------------------------------------


def test_avif_and_jpeg_renditions_are_made_once_at_four_widths(db):
    photo = make_photo(size=(2400, 1600))

    made = {(r.format, r.width, r.height) for r in photo.renditions.all()}
    widths = [480, 800, 1200, 1600]
    assert made == {(kind, w, round(w * 1600 / 2400)) for kind in RenditionFormat for w in widths}
    for rendition in photo.renditions.all():
        with rendition.file.open("rb") as stored:
            assert Image.open(stored).format == rendition.format.upper()


def test_a_small_photo_is_never_scaled_up(db):
    photo = make_photo(size=(700, 500))

    assert sorted({r.width for r in photo.renditions.all()}) == [480, 700]


def test_renditions_are_served_with_a_year_of_caching_under_names_that_hold_their_hash(db):
    photo = make_photo()
    rendition = photo.renditions.get(format=RenditionFormat.AVIF, width=480)

    response = Client().get(rendition.file.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/avif"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert re.search(r"/photos/[0-9a-f]{16}/test-photo-480-[0-9a-f]{12}\.avif$", rendition.file.url)
    assert Client().get(rendition.file.url, headers={"if-none-match": response["ETag"]}).status_code == 304
    assert Client().get("/media/../config/settings.py").status_code == 404
    assert Client().get("/media/photos/nothing-here.jpg").status_code == 404


def test_a_new_file_for_a_photo_gets_new_names_and_the_old_files_go(staff, django_capture_on_commit_callbacks):
    photo = make_photo()
    old = [photo.file.name, *(r.file.name for r in photo.renditions.all())]
    storage = photo.file.storage

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("admin:exercises_photo_change", args=[photo.pk]),
            {
                **RENDITION_ROWS,
                "alt_text": photo.alt_text,
                "caption": "",
                "credit": "",
                "upload": SimpleUploadedFile("new.png", picture_bytes(format="PNG", color=(1, 2, 3))),
            },
        )

    photo.refresh_from_db()
    assert photo.file.name.endswith(".png") and photo.file.name not in old
    assert not any(storage.exists(name) for name in old)
    assert photo.renditions.count() == 8


# --- Where photos show ---------------------------------------------------------------------------


def two_photos_on(exercise):
    start = make_photo("start", caption="Feet flat, back on the bench.")
    end = make_photo("end")
    ExercisePhoto.objects.create(exercise=exercise, photo=start, label="Start position", position=1)
    ExercisePhoto.objects.create(exercise=exercise, photo=end, label="End position", position=2)
    return start, end


def test_an_exercise_page_shows_its_photos_with_sizes_and_dimensions_the_first_loaded_first(content):
    exercise = Exercise.objects.get(slug="hip-thrust")
    two_photos_on(exercise)

    html = Client().get(exercise.get_absolute_url()).content.decode()

    pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
    assert len(pictures) == 2
    for picture in pictures:
        assert re.search(r'<source type="image/avif" srcset="[^"]+480w, [^"]+800w, [^"]+1200w, [^"]+1600w"', picture)
        assert 'sizes="' in picture
        assert re.search(r'<img src="[^"]+\.jpeg" srcset="[^"]+1600w" sizes="[^"]+" width="800" height="534"', picture)
    assert 'alt="Test picture start" fetchpriority="high"' in pictures[0]
    assert 'loading="lazy"' in pictures[1] and "fetchpriority" not in pictures[1]
    assert "<strong>Start position</strong>: Feet flat, back on the bench." in html


def test_the_comparison_shows_each_exercises_photos_in_its_overview_lazily(content):
    two_photos_on(Exercise.objects.get(slug="hip-thrust"))

    html = Client().get(ARTICLE).content.decode()

    assert html.count("<picture>") == 2
    assert "fetchpriority" not in html
    assert html.count('loading="lazy"') == 2


def test_a_lead_photo_follows_the_introduction_and_is_what_it_shares(content):
    comparison = Comparison.objects.get()
    comparison.lead_photo = make_photo("lead", focal_x=20, focal_y=50)
    comparison.save()

    html = Client().get(ARTICLE).content.decode()

    # Under the answer and the introduction (#25: the at-a-glance box on a phone's first screen), so it loads lazily.
    picture = html[html.index('alt="Test picture lead"') :]
    assert picture.index('loading="lazy"') < picture.index(">") and "fetchpriority" not in picture[: picture.index(">")]
    assert html.index("article__intro") < html.index('alt="Test picture lead"')
    share = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert share.endswith("/compare/leg-press-vs-hip-thrust/share.jpg")
    response = Client().get("/compare/leg-press-vs-hip-thrust/share.jpg")
    card = Image.open(io.BytesIO(response.content))
    assert response["Content-Type"] == "image/jpeg" and card.size == (1200, 630)
    # The focus is on the left (20 %): the crop keeps the picture's blue left half in view.
    assert card.getpixel((100, 300))[2] > 100


def test_without_a_lead_photo_the_share_image_is_the_drawn_card(content):
    html = Client().get(ARTICLE).content.decode()

    assert "/compare/leg-press-vs-hip-thrust/share.png" in html
    assert Client().get("/compare/leg-press-vs-hip-thrust/share.jpg").status_code == 404


def test_a_text_places_a_library_photo_and_nothing_from_elsewhere(db):
    make_photo("bench", caption="The bench at shoulder height.")
    exercise_a, exercise_b = make_exercise("Squat"), make_exercise("Lunge")
    body = (
        "Set up like this:\n\n![The bench, set up](image:bench)\n\n"
        "An outside one ![tracker](https://evil.example/pixel.gif) stays out. <img src=x onerror=alert(1)>"
    )
    comparison = make_comparison(
        exercise_a, exercise_b, sections=[(SectionKind.PROSE, {"heading": "Setting Up", "body": body})]
    )

    html = Client().get(comparison.get_absolute_url()).content.decode()

    assert re.search(
        r'<figure class="photo">\s*<picture>.*alt="The bench, set up".*</picture>\s*'
        r"<figcaption>The bench at shoulder height.</figcaption>",
        html,
        re.S,
    )
    assert "evil.example" not in html and "onerror" not in html and "tracker" not in html


def test_a_text_that_places_a_photo_the_library_lacks_is_refused_with_the_way_out(db):
    section = Section(kind=SectionKind.PROSE, body="![A bench](image:no-such-photo)")

    with pytest.raises(ValidationError, match="No photo has the key no-such-photo. Upload it under Photos first"):
        section.clean()


def test_the_preview_shows_the_placed_photo(staff):
    make_photo("bench")

    response = staff.post(reverse("markdownx_markdownify"), {"content": "![The bench](image:bench)"})

    assert "<picture>" in response.content.decode()


def test_the_image_button_finds_photos_by_description(staff):
    make_photo("bench", alt_text="The bench at shoulder height")
    make_photo("rack", alt_text="A squat rack")

    found = staff.get(reverse("writing_photo_search"), {"q": "shoulder"}).json()["results"]

    assert [item["text"] for item in found] == ["![The bench at shoulder height](image:bench)"]
    assert found[0]["thumbnail"].endswith(".jpeg")
    assert Client().get(reverse("writing_photo_search")).status_code == 302


def test_a_coach_page_shows_the_coachs_portrait(content):
    coach = make_test_coach(photo=make_photo("portrait", alt_text="Test Coach, smiling"))

    html = Client().get(coach.get_absolute_url()).content.decode()

    assert 'alt="Test Coach, smiling" fetchpriority="high"' in html


# --- Deleting a photo still in use ---------------------------------------------------------------


def test_deleting_a_photo_on_an_exercise_is_refused(content, staff):
    start, _ = two_photos_on(Exercise.objects.get(slug="hip-thrust"))

    page = staff.get(reverse("admin:exercises_photo_delete", args=[start.pk])).content.decode()
    staff.post(reverse("admin:exercises_photo_delete", args=[start.pk]), {"post": "yes"})

    assert "would require deleting the following protected related objects" in page
    assert Photo.objects.filter(pk=start.pk).exists()
    with pytest.raises(ValidationError, match="still shown in the exercise “Hip Thrust”"):
        services.delete_photo(photo=start)


def test_deleting_a_photo_placed_in_a_text_is_refused_and_an_unused_one_goes_with_its_files(
    content, staff, django_capture_on_commit_callbacks
):
    placed, unused = make_photo("placed"), make_photo("unused")
    section = Section.objects.filter(kind=SectionKind.PROSE).first()
    Section.objects.filter(pk=section.pk).update(body="![x](image:placed)")
    files = [unused.file.name, *(r.file.name for r in unused.renditions.all())]

    page = staff.get(reverse("admin:exercises_photo_delete", args=[placed.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("admin:exercises_photo_delete", args=[unused.pk]), {"post": "yes"})

    assert "the text of section" in page
    assert not Photo.objects.filter(pk=unused.pk).exists()
    assert not any(unused.file.storage.exists(name) for name in files)
    with pytest.raises(ValidationError, match="still shown in the text of section"):
        services.delete_photo(photo=placed)


def test_photos_cost_one_query_for_their_sizes_however_many_there_are(content):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exercises.pagecache import mark_stale

    with CaptureQueriesContext(connection) as without:
        Client().get(ARTICLE)
    for exercise in Exercise.objects.all():
        for number in range(3):
            photo = make_photo(f"{exercise.slug}-{number}")
            ExercisePhoto.objects.create(exercise=exercise, photo=photo, position=number)
    mark_stale()

    with CaptureQueriesContext(connection) as with_six:
        html = Client().get(ARTICLE).content.decode()

    assert html.count("<picture>") == 6
    assert len(with_six) == len(without) + 1


def test_beside_the_form_the_answering_coach_shows_their_portrait(content):
    from exercises.gym.models import GymProfile

    coach = make_test_coach(photo=make_photo("portrait", alt_text="Test Coach at the front desk"))
    GymProfile.objects.update(consultation_coach=coach)

    html = Client().get("/consultation/").content.decode()

    panel = re.search(r'<aside class="form-panel".*?</aside>', html, re.S).group(0)
    assert 'alt="Test Coach at the front desk" loading="lazy"' in panel
    assert "Your request goes to" in panel
