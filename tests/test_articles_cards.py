"""Cards with pictures: a comparison card on the home page shows its lead photo, the smallest size made, lazily and
with its width and height, when there is one; without one, no picture at all. The home page's queries stay fixed."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from exercises.articles.models import Comparison
from exercises.pagecache import mark_stale
from exercises.photos.models import Photo
from tests.conftest import make_comparison, make_exercise, make_photo

SHOTS = Path("/tmp/shots")


def cards(client) -> list[str]:
    mark_stale()
    page = client.get("/").content.decode()
    return re.findall(r'<article class="card">.*?</article>', page, re.S)


@pytest.mark.django_db
def test_without_a_lead_photo_a_card_shows_no_picture(client, content):
    (card,) = cards(client)
    assert "<picture" not in card and "<img" not in card


@pytest.mark.django_db
def test_a_card_shows_the_lead_photo_small_lazy_and_sized(client, content):
    photo = make_photo("lead", alt_text="A lifter at the top of a hip thrust")
    Comparison.objects.update(lead_photo=photo)
    smallest = Photo.objects.get().thumbnail

    (card,) = cards(client)

    img = re.search(r"<img [^>]*>", card).group(0)
    assert f'src="{smallest.file.url}"' in img and smallest.width == 480
    assert f'width="{smallest.width}"' in img and f'height="{smallest.height}"' in img
    assert 'loading="lazy"' in img and 'alt="A lifter at the top of a hip thrust"' in img
    assert re.search(r'<source type="image/avif" srcset="[^"]+\.avif 480w"', card)
    assert card.index("<picture") < card.index('<h3 class="card__title">')


@pytest.mark.django_db
def test_a_decorative_lead_photo_has_an_empty_alt(client, content):
    Comparison.objects.update(lead_photo=make_photo("lead", decorative=True, alt_text=""))
    (card,) = cards(client)
    assert 'alt=""' in card


@pytest.mark.django_db
def test_more_cards_with_photos_cost_no_more_queries(client, content, django_assert_max_num_queries):
    Comparison.objects.update(lead_photo=make_photo("lead-0"))
    mark_stale()
    with django_assert_max_num_queries(50) as counted:
        client.get("/")
    one_card = len(counted)

    for number in range(1, 4):
        comparison = make_comparison(make_exercise(f"Lift {number}a"), make_exercise(f"Lift {number}b"))
        Comparison.objects.filter(pk=comparison.pk).update(lead_photo=make_photo(f"lead-{number}"))
    mark_stale()
    with django_assert_max_num_queries(one_card):
        page = client.get("/").content.decode()
    assert page.count("<picture") == 4


# --- In a browser -------------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_home_page_cards_with_a_photo_pass_axe(transactional_db, live_server, content, browser, width, scheme):
    Comparison.objects.update(lead_photo=make_photo("lead", alt_text="A lifter at the top of a hip thrust"))
    second = make_comparison(make_exercise("Goblet Squat"), make_exercise("Split Squat"))  # a card with no photo
    assert second.lead_photo is None
    phone = width < 500
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900},
        is_mobile=phone,
        has_touch=phone,
        color_scheme=scheme,
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        assert page.locator("article.card").count() == 2
        card = page.locator("article.card").filter(has=page.locator("img"))
        assert card.count() == 1  # the card without a photo has no picture
        card.scroll_into_view_if_needed()
        image = card.locator("img")
        image.wait_for(timeout=5000)
        page.wait_for_function("() => [...document.images].every((img) => img.complete && img.naturalWidth > 0)")
        box = image.bounding_box()
        assert box["width"] > 100 and abs(box["width"] / box["height"] - 1.5) < 0.05
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#comparisons").screenshot(path=str(SHOTS / f"home-cards-{width}-{scheme}.png"))

        results = Axe().run(page)

        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
