"""Geometry for the server-rendered muscle-emphasis chart (inline SVG, no JavaScript)."""

from dataclasses import dataclass, field
from functools import lru_cache

from django.template.loader import render_to_string

MAX_EMPHASIS = 5
LABEL_WIDTH = 96
BAR_AREA = 224
BAR_HEIGHT = 16
BAR_GAP = 4
ROW_GAP = 18
TOP = 8
WIDTH = LABEL_WIDTH + BAR_AREA + 24
# A muscle an exercise does not work reads as a dash, never as a zero-width bar labelled 0.
NOT_WORKED = "—"


@dataclass
class Bar:
    series: int
    exercise: str
    value: int
    y: int
    width: int
    text_x: int

    @property
    def worked(self) -> bool:
        return self.value > 0

    @property
    def label(self) -> str:
        return str(self.value) if self.worked else NOT_WORKED

    @property
    def spoken(self) -> str:
        return f"{self.value} of {MAX_EMPHASIS}" if self.worked else "not worked"


@dataclass
class Row:
    muscle: str
    label_y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class MuscleChart:
    exercises: list[str]
    rows: list[Row]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA
    max_emphasis: int = MAX_EMPHASIS
    svg: str = ""  # the chart as the page draws it (includes/muscle_chart_svg.html)

    @property
    def description(self) -> str:
        parts = []
        for row in self.rows:
            values = ", ".join(f"{bar.exercise} {bar.spoken}" for bar in row.bars)
            parts.append(f"{row.muscle}: {values}")
        return "; ".join(parts) + "."

    @property
    def has_unworked(self) -> bool:
        """Whether a dash appears, so the legend says what it means only when it does."""
        return any(not bar.worked for row in self.rows for bar in row.bars)


def muscle_chart(exercises, *, chart_id: str) -> MuscleChart:
    """Bars of emphasis (1–5) per muscle, one bar per exercise, with the SVG drawn (``svg``).

    Expects each exercise's ``muscle_links`` prefetched with their muscle. The chart is kept by
    everything it is drawn from, so an edit draws a new one and the same facts never draw twice.
    """
    facts = tuple(
        (
            exercise.name,
            tuple(
                (link.muscle_id, link.muscle.name, link.muscle.position, link.emphasis)
                for link in exercise.muscle_links.all()
            ),
        )
        for exercise in exercises
    )
    return drawn_chart(facts, chart_id)


@lru_cache(maxsize=256)
def drawn_chart(facts: tuple[tuple[str, tuple[tuple[int, str, int, int], ...]], ...], chart_id: str) -> MuscleChart:
    """The chart of (exercise, ((muscle id, name, position, rating)…))…, kept for the life of the process
    (a bounded number): callers never change what it returns."""
    emphasis: dict[int, dict[int, int]] = {}
    muscles = {}
    for index, (_name, links) in enumerate(facts):
        for muscle_id, name, position, value in links:
            muscles[muscle_id] = (name, position)
            emphasis.setdefault(muscle_id, {})[index] = value

    ordered = sorted(muscles, key=lambda pk: (-max(emphasis[pk].values()), muscles[pk][1], muscles[pk][0]))
    names = [name for name, _ in facts]
    group_height = len(names) * BAR_HEIGHT + (len(names) - 1) * BAR_GAP
    rows = []
    y = TOP
    for muscle_id in ordered:
        row = Row(muscle=muscles[muscle_id][0], label_y=y + group_height // 2 + 5)
        for index, name in enumerate(names):
            value = emphasis[muscle_id].get(index, 0)
            width = round(BAR_AREA * value / MAX_EMPHASIS)
            row.bars.append(
                Bar(
                    series=index,
                    exercise=name,
                    value=value,
                    y=y + index * (BAR_HEIGHT + BAR_GAP),
                    width=width,
                    text_x=LABEL_WIDTH + width + 6,
                )
            )
        rows.append(row)
        y += group_height + ROW_GAP
    chart = MuscleChart(exercises=names, rows=rows, height=max(y - ROW_GAP + TOP, 40))
    if rows:
        chart.svg = render_to_string("includes/muscle_chart_svg.html", {"chart": chart, "chart_id": chart_id})
    return chart
