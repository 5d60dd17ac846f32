"""The muscle chart as a reader meets it: titled, with its legend first, a dash for a muscle not worked."""

import html
import re

import pytest

from exercises.articles.models import SectionKind
from exercises.gym.models import GymProfile
from exercises.library.models import ExerciseMuscle, Muscle
from tests.conftest import make_comparison, make_exercise

pytestmark = pytest.mark.django_db

TITLE = "Coach's rating: how hard each muscle works, 1–5"
NOTE = "Rated by the test coaches, from what each lift asks of each muscle."


@pytest.fixture
def squat_and_lunge():
    """Two exercises that share the glutes; each works one muscle the other does not."""
    squat, lunge = make_exercise("Squat"), make_exercise("Lunge")
    quads, glutes, calves = (
        Muscle.objects.create(name=name, position=n) for n, name in enumerate(("Quads", "Glutes", "Calves"))
    )
    for exercise, muscle, emphasis in ((squat, quads, 5), (squat, glutes, 3), (lunge, glutes, 4), (lunge, calves, 2)):
        ExerciseMuscle.objects.create(exercise=exercise, muscle=muscle, emphasis=emphasis)
    comparison = make_comparison(squat, lunge, sections=[(SectionKind.SHOWDOWN, {"heading": "The Showdown"})])
    return squat, lunge, comparison


def chart_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return re.search(r'<figure class="chart">.*?</figure>', response.content.decode(), flags=re.S).group(0)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def bar_labels(chart: str) -> list[str]:
    return [html.unescape(label) for label in re.findall(r'<text class="chart-value[^"]*"[^>]*>([^<]*)</text>', chart)]


def test_a_muscle_an_exercise_does_not_work_reads_as_a_dash_and_not_worked(client, squat_and_lunge):
    *_, comparison = squat_and_lunge
    chart = chart_of(client, comparison.get_absolute_url())
    desc = html.unescape(re.search(r"<desc\b[^>]*>(.*?)</desc>", chart, flags=re.S).group(1))

    # Rows by the strongest rating: Quads (5), Glutes (4), Calves (2); Squat's bar first in each.
    assert bar_labels(chart) == ["5", "—", "3", "4", "—", "2"]
    assert not re.search(r'<rect class="bar[ "][^>]*width="0"', chart)
    assert "Quads: Squat 5 of 5, Lunge not worked" in desc
    assert "Calves: Squat not worked, Lunge 2 of 5" in desc
    assert "0 of 5" not in desc
    assert "— not worked" in text_of(chart.split("<svg")[0])


def test_the_title_and_legend_come_before_the_bars(client, squat_and_lunge):
    squat, _, comparison = squat_and_lunge
    chart = chart_of(client, comparison.get_absolute_url())
    head, bars = chart.split("<svg", 1)

    assert text_of(head).startswith(TITLE)
    assert text_of(head).index("Squat") < text_of(head).index("Lunge")  # the legend, in the bars' order
    assert "helps out" in text_of(head) and "main mover" in text_of(head)
    assert "main mover" not in bars

    # One exercise: the title and scale, no swatches, and no dash to explain.
    single = chart_of(client, squat.get_absolute_url())
    head = single.split("<svg", 1)[0]
    assert text_of(head).startswith(TITLE)
    assert "swatch" not in head and "not worked" not in head


def test_the_note_on_how_ratings_were_set_shows_under_every_chart(client, squat_and_lunge):
    squat, lunge, comparison = squat_and_lunge
    GymProfile.objects.update_or_create(pk=1, defaults={"ratings_note": NOTE})

    for url in (comparison.get_absolute_url(), squat.get_absolute_url(), lunge.get_absolute_url()):
        chart = chart_of(client, url)
        assert NOTE in text_of(chart.split("</svg>", 1)[1]), url


def test_a_blank_ratings_note_shows_nothing(client, squat_and_lunge):
    squat, _, comparison = squat_and_lunge
    GymProfile.objects.update_or_create(pk=1, defaults={"ratings_note": ""})

    for url in (comparison.get_absolute_url(), squat.get_absolute_url()):
        chart = chart_of(client, url)
        assert "chart__note" not in chart
        assert chart.split("</svg>", 1)[1].strip() == "</figure>"
