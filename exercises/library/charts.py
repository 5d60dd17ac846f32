"""Geometry for the server-rendered muscle-emphasis chart (inline SVG, no JavaScript)."""

from dataclasses import dataclass, field

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


def muscle_chart(exercises) -> MuscleChart:
    """Bars of emphasis (1–5) per muscle, one bar per exercise.

    Expects each exercise's ``muscle_links`` prefetched with their muscle.
    """
    emphasis: dict[int, dict[int, int]] = {}
    muscles = {}
    for index, exercise in enumerate(exercises):
        for link in exercise.muscle_links.all():
            muscles[link.muscle_id] = link.muscle
            emphasis.setdefault(link.muscle_id, {})[index] = link.emphasis

    ordered = sorted(
        muscles.values(),
        key=lambda m: (-max(emphasis[m.pk].values()), m.position, m.name),
    )
    group_height = len(exercises) * BAR_HEIGHT + (len(exercises) - 1) * BAR_GAP
    rows = []
    y = TOP
    for muscle in ordered:
        row = Row(muscle=muscle.name, label_y=y + group_height // 2 + 5)
        for index, exercise in enumerate(exercises):
            value = emphasis[muscle.pk].get(index, 0)
            width = round(BAR_AREA * value / MAX_EMPHASIS)
            row.bars.append(
                Bar(
                    series=index,
                    exercise=exercise.name,
                    value=value,
                    y=y + index * (BAR_HEIGHT + BAR_GAP),
                    width=width,
                    text_x=LABEL_WIDTH + width + 6,
                )
            )
        rows.append(row)
        y += group_height + ROW_GAP
    return MuscleChart(exercises=[e.name for e in exercises], rows=rows, height=max(y - ROW_GAP + TOP, 40))
