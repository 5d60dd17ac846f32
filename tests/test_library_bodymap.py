"""The body map: a drawn figure, front and back, with the muscles each exercise works shaded and numbered."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.articles.models import Comparison, SectionKind
from exercises.library import bodymap
from exercises.library.models import BodyRegion, Exercise, ExerciseMuscle, Muscle, MuscleRegion
from exercises.pagecache import mark_stale
from tests.conftest import PUBLIC_PAGES, make_comparison, make_exercise


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def figures(page: str) -> dict[str, str]:
    """Each figure's <svg>, by the exercise named above it."""
    found = re.findall(
        r'<figure class="body-map">\s*<figcaption[^>]*>(.*?)</figcaption>\s*(<svg.*?</svg>)', page, flags=re.S
    )
    return {html.unescape(name): svg for name, svg in found}


def text_alternative(svg: str) -> str:
    """What a screen reader says for the figure: its title, then its desc (aria-labelledby names both)."""
    labelled_by = re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', svg).group(1).split()
    parts = [re.search(rf'<(?:title|desc) id="{part}">(.*?)</', svg, flags=re.S).group(1) for part in labelled_by]
    return html.unescape(" ".join(parts))


def shades(svg: str) -> dict[str, int]:
    """The shade of every area drawn, by the artwork's id (0: not worked)."""
    return {key: int(level) for key, level in re.findall(r'<use href="#bm-([\w-]+)" class="map-(\d)"', svg)}


def numbers(svg: str) -> list[int]:
    return [int(n) for n in re.findall(r'<text class="map-num map-\d"[^>]*>(\d)</text>', svg)]


def artwork_ids(page: str) -> set[str]:
    defs = re.search(r'<svg class="map-defs".*?</svg>', page, flags=re.S).group(0)
    return set(re.findall(r'id="([\w-]+)"', defs))


def rate(exercise, muscle, emphasis):
    ExerciseMuscle.objects.create(exercise=exercise, muscle=muscle, emphasis=emphasis, position=emphasis)


# --- The shipped article ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_article_shows_both_exercises_figures_with_every_muscle_and_its_rating(client, content):
    comparison = Comparison.objects.get()
    page = get(client, comparison.get_absolute_url())
    shown = figures(page)

    assert set(shown) == {comparison.exercise_a.name, comparison.exercise_b.name}
    # The pair sits in the showdown, above its muscle chart.
    assert page.index('class="body-maps"') < page.index('<figure class="chart">')
    for exercise in comparison.exercises:
        said = text_alternative(shown[exercise.name])
        assert f"the {exercise.name} works" in said
        for link in exercise.muscle_links.select_related("muscle"):
            assert f"{link.muscle.name} {link.emphasis} of 5" in said
    # The artwork is on the page once, however many figures use it.
    assert page.count('id="bm-body"') == 1


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["leg-press", "hip-thrust"])
def test_each_exercise_page_shows_its_own_figure(client, content, slug):
    exercise = Exercise.objects.get(slug=slug)
    page = get(client, exercise.get_absolute_url())
    shown = figures(page)

    assert list(shown) == [exercise.name]
    said = text_alternative(shown[exercise.name])
    for link in exercise.muscle_links.select_related("muscle"):
        assert f"{link.muscle.name} {link.emphasis} of 5" in said


@pytest.mark.django_db
def test_the_shipped_ratings_light_the_right_areas(client, content):
    svg = figures(get(client, PUBLIC_PAGES["exercise-hip-thrust"]))["Hip Thrust"]
    lit = shades(svg)

    # Glutes 5, Hamstrings 3, Core 2 (abs, obliques, lower back), Quadriceps 1.
    assert lit["glutes"] == 5 and lit["hamstrings"] == 3 and lit["quadriceps"] == 1
    assert lit["abs"] == lit["obliques"] == lit["obliques-b"] == lit["lower-back"] == 2
    assert lit["chest"] == lit["biceps"] == lit["calves"] == lit["upper-back"] == 0
    assert sorted(numbers(svg)) == [1, 2, 2, 2, 3, 5]


# --- Drawn from the data ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_exercise_gets_its_figure_with_no_new_artwork(client, content):
    shipped_artwork = artwork_ids(get(client, PUBLIC_PAGES["exercise-leg-press"]))
    press = make_exercise("Bench Press")
    pecs = Muscle.objects.create(name="Pectorals")
    MuscleRegion.objects.create(muscle=pecs, region=BodyRegion.CHEST)
    grip = Muscle.objects.create(name="Grip")  # on no area of the figure
    rate(press, pecs, 4)
    rate(press, grip, 2)

    page = get(client, press.get_absolute_url())
    svg = figures(page)["Bench Press"]
    lit = shades(svg)

    assert artwork_ids(page) == shipped_artwork
    assert lit["chest"] == 4
    assert numbers(svg) == [4]
    assert {key for key, level in lit.items() if level} == {"chest"}  # nothing it does not work is lit
    said = text_alternative(svg)
    assert "Pectorals 4 of 5" in said and "Grip 2 of 5" in said
    assert said.index("Pectorals") < said.index("Grip")  # strongest first, as in the chart


@pytest.mark.django_db
def test_an_area_two_muscles_light_takes_the_higher_rating(client):
    squat = make_exercise("Front Squat")
    for name, emphasis in (("Vastus lateralis", 2), ("Rectus femoris", 4)):
        muscle = Muscle.objects.create(name=name)
        MuscleRegion.objects.create(muscle=muscle, region=BodyRegion.QUADRICEPS)
        rate(squat, muscle, emphasis)

    svg = figures(get(client, squat.get_absolute_url()))["Front Squat"]

    assert shades(svg)["quadriceps"] == 4
    assert numbers(svg) == [4]


@pytest.mark.django_db
def test_an_exercise_with_no_muscles_rated_has_no_figure(client):
    squat, lunge = make_exercise("Box Squat"), make_exercise("Reverse Lunge")
    quads = Muscle.objects.create(name="Quads")
    MuscleRegion.objects.create(muscle=quads, region=BodyRegion.QUADRICEPS)
    rate(squat, quads, 5)
    comparison = make_comparison(squat, lunge, sections=[(SectionKind.SHOWDOWN, {})])

    assert list(figures(get(client, comparison.get_absolute_url()))) == ["Box Squat"]


@pytest.mark.django_db
def test_more_muscles_and_areas_cost_no_more_queries(client, content, django_assert_max_num_queries):
    url = PUBLIC_PAGES["comparison"]
    with CaptureQueriesContext(connection) as before:
        get(client, url)
    leg_press = Exercise.objects.get(slug="leg-press")
    for number, region in enumerate(BodyRegion.values[:10]):
        muscle = Muscle.objects.create(name=f"Muscle {number}")
        MuscleRegion.objects.create(muscle=muscle, region=region)
        MuscleRegion.objects.create(muscle=muscle, region=BodyRegion.CALVES)
        rate(leg_press, muscle, 1 + number % 5)
    mark_stale()

    with django_assert_max_num_queries(len(before)):
        page = get(client, url)
    assert "Muscle 9" in text_alternative(figures(page)["Leg Press"])


def test_an_edit_of_a_muscle_alone_shows_on_the_next_render(client, content):
    """The figure and chart are kept by what they are drawn from: a muscle's areas, name or rating, not the
    exercise's updated_at, which an edit of a muscle never touches."""
    url = PUBLIC_PAGES["comparison"]
    get(client, url)
    glutes = Muscle.objects.get(name="Glutes")
    MuscleRegion.objects.create(muscle=glutes, region=BodyRegion.CALVES)
    Muscle.objects.filter(pk=glutes.pk).update(name="Gluteals")
    ExerciseMuscle.objects.filter(muscle=glutes, exercise__slug="leg-press").update(emphasis=1)
    mark_stale()

    page = get(client, url)
    hip_thrust = figures(page)["Hip Thrust"]
    assert shades(hip_thrust)["calves"] == 5
    assert "Gluteals 5 of 5" in text_alternative(hip_thrust)
    assert "Gluteals 1 of 5" in text_alternative(figures(page)["Leg Press"])
    assert "Gluteals:" in re.search(r'<desc id="comparison-chart-desc">(.*?)</desc>', page, flags=re.S).group(1)


# --- The artwork itself -----------------------------------------------------------------


def test_every_area_of_the_map_is_drawn_and_numbered_somewhere():
    drawn = {shape.region for shape in bodymap.SHAPES}
    numbered = {shape.region for shape in bodymap.SHAPES if shape.number_at}
    assert drawn == numbered == set(BodyRegion.values)
    assert {view for shape in bodymap.SHAPES for view in shape.views} == {bodymap.FRONT, bodymap.BACK}


NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)")


def absolute_points(d: str) -> list[tuple[float, float]]:
    """The points of relative path data (m, l, q, c, z), as a browser reads them."""
    points, pen, start = [], (0.0, 0.0), (0.0, 0.0)
    for command, args in re.findall(r"([mlqcz])([^mlqcz]*)", d):
        if command == "z":
            pen = start
            continue
        values = [float(v) for v in NUMBER.findall(args)]
        per_segment = {"m": 1, "l": 1, "q": 2, "c": 3}[command]
        pairs = list(zip(values[::2], values[1::2], strict=True))
        for at in range(0, len(pairs), per_segment):
            segment = [(pen[0] + x, pen[1] + y) for x, y in pairs[at : at + per_segment]]
            points += segment
            pen = segment[-1]
        if command == "m":
            start = pen
    return points


@pytest.mark.parametrize("shape", bodymap.SHAPES, ids=lambda shape: shape.key)
def test_each_area_is_a_left_half_inside_the_view(shape):
    """The page mirrors each area about the centre line, so its artwork must be the viewer's left half."""
    drawn = absolute_points(shape.d)
    assert drawn and all(0 < x <= 50 and 0 < y < bodymap.VIEW_HEIGHT for x, y in drawn)
    if shape.number_at:
        assert 0 < shape.number_at[0] < bodymap.VIEW_WIDTH and 0 < shape.number_at[1] < bodymap.VIEW_HEIGHT


def test_the_body_is_symmetric_and_inside_the_view():
    """Its short relative path adds up to the same figure on both sides (no rounding drift down the path)."""
    drawn = {(round(x, 1), round(y, 1)) for x, y in absolute_points(bodymap.BODY)}
    mirrored = {(round(bodymap.VIEW_WIDTH - x, 1), y) for x, y in drawn}
    assert drawn == mirrored
    assert all(0 < x < bodymap.VIEW_WIDTH and 0 < y < bodymap.VIEW_HEIGHT - 10 for x, y in drawn)


# --- In a browser -----------------------------------------------------------------------


@pytest.fixture
def site(live_server):
    call_command("load_initial_data", stdout=io.StringIO())
    return live_server.url


def contrast(first: str, second: str) -> float:
    def luminance(rgb: str) -> float:
        channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_figures_stack_on_a_phone_and_their_numbers_are_legible(site, browser, scheme):
    for width, side_by_side in ((390, False), (1280, True)):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        page.goto(site + PUBLIC_PAGES["comparison"])

        # Named by its title and desc through aria-labelledby, as a screen reader reads it.
        leg_press = page.get_by_role("img", name=re.compile(r"the Leg Press works.*Quadriceps 5 of 5"))
        hip_thrust = page.get_by_role("img", name=re.compile(r"the Hip Thrust works.*Glutes 5 of 5"))
        first, second = leg_press.bounding_box(), hip_thrust.bounding_box()
        assert (abs(first["y"] - second["y"]) < 1) is side_by_side, width
        assert first["width"] >= 250  # big enough to read at a glance, phone or desktop

        # A lit area is filled with its shade, an unworked one with the body's colour.
        fills = leg_press.evaluate(
            """svg => Object.fromEntries([...svg.querySelectorAll("use")].map(
                use => [use.getAttribute("class") + " " + use.getAttribute("href"), getComputedStyle(use).fill]))"""
        )
        body = fills["map-skin #bm-body"]
        assert fills["map-0 #bm-chest"] == body
        assert fills["map-5 #bm-quadriceps"] not in (body, fills["map-1 #bm-calves"])

        # Each number keeps WCAG AA contrast against its halo, which is its area's shade.
        for colours in leg_press.locator("text.map-num").evaluate_all(
            "texts => texts.map(t => [getComputedStyle(t).fill, getComputedStyle(t).stroke])"
        ):
            assert contrast(*colours) >= 4.5, colours
        context.close()
