"""The drawn body map: a plain human figure, front and back, with each muscle area shaded by its rating.

All the artwork lives here. A view is 100 units wide; shapes are drawn for the viewer's left half
(x < 50) and mirrored, so the figure is symmetric by construction and the paths stay short. The page
defines each shape once (<defs>) and every figure on it re-uses them with <use>, so two figures cost
little more than one. A new exercise or muscle needs no new artwork: staff map a muscle to areas in
the admin (MuscleRegion), and the figure lights those areas.
"""

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from django.template.loader import render_to_string

from .models import BodyRegion

MAX_EMPHASIS = 5
VIEW_WIDTH = 100
VIEW_HEIGHT = 216
FRONT, BACK = "front", "back"

_TOKEN = re.compile(r"[MLCQZ]|-?\d+(?:\.\d+)?")
_ARITY = {"L": 1, "Q": 2, "C": 3}

Point = tuple[float, float]
# One closed outline: where it starts, then each segment as its command and points (the last is its end).
Outline = tuple[Point, list[tuple[str, list[Point]]]]


def _parse(d: str) -> list[Outline]:
    """Path data of closed outlines in absolute M, L, Q, C and Z (the only commands the artwork uses)."""
    tokens = _TOKEN.findall(d)
    outlines: list[Outline] = []
    i = 0
    while i < len(tokens):
        command = tokens[i]
        i += 1
        if command == "Z":
            continue
        numbers = []
        while i < len(tokens) and not tokens[i].isalpha():
            numbers.append(float(tokens[i]))
            i += 1
        points = list(zip(numbers[::2], numbers[1::2], strict=True))
        if command == "M":
            outlines.append((points[0], []))
            continue
        arity = _ARITY[command]
        for at in range(0, len(points), arity):
            outlines[-1][1].append((command, points[at : at + arity]))
    return outlines


def _tenths(value: float) -> int:
    return round(value * 10)


def _number(tenths: int) -> str:
    """A length in tenths of a unit, written as short as SVG reads it: 5, -.5, 12.3."""
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{tenth}"


def _numbers(values: list[int]) -> str:
    text, last = "", ""
    for value in values:
        written = _number(value)
        # A space only where the next number would otherwise read as part of the last one.
        if last and not (written.startswith("-") or (written.startswith(".") and "." in last)):
            text += " "
        text += written
        last = written
    return text


def _format(outlines: list[Outline]) -> str:
    """Relative path data (m, l, q, c, z) in tenths, so the page carries short numbers."""
    parts = []
    pen = (0, 0)
    for start, segments in outlines:
        # Each outline starts where the last one started: z returns the pen there.
        first = (_tenths(start[0]), _tenths(start[1]))
        parts.append("m" + _numbers([first[0] - pen[0], first[1] - pen[1]]))
        pen = here = first
        for command, points in segments:
            rounded = [(_tenths(x), _tenths(y)) for x, y in points]
            parts.append(command.lower() + _numbers([v for x, y in rounded for v in (x - here[0], y - here[1])]))
            here = rounded[-1]
        parts.append("z")
        pen = first
    return "".join(parts)


def _mirrored(outline: Outline) -> Outline:
    """The outline flipped about the figure's centre line."""
    start, segments = outline

    def flip(point: Point) -> Point:
        return (VIEW_WIDTH - point[0], point[1])

    return flip(start), [(command, [flip(point) for point in points]) for command, points in segments]


def _reversed(outline: Outline) -> Outline:
    """The same outline, drawn the other way round."""
    start, segments = outline
    ends = [start] + [points[-1] for _, points in segments]
    backwards = [("L", [ends[-1]])] if ends[-1] != start else []
    for index in range(len(segments) - 1, -1, -1):
        command, points = segments[index]
        backwards.append((command, [*reversed(points[:-1]), ends[index]]))
    return start, backwards


def _clockwise(outline: Outline) -> Outline:
    """The outline, turned clockwise on screen if it was not."""
    start, segments = outline
    ring = [start] + [point for _, points in segments for point in points]
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
    return outline if area > 0 else _reversed(outline)


def _both_sides(half: str) -> list[Outline]:
    """The half as drawn (the viewer's left) and its mirror image (the viewer's right)."""
    outlines = _parse(half)
    return outlines + [_mirrored(outline) for outline in outlines]


# The figure without muscles: head, neck, torso, arms, hands, legs, feet. Drawn under the areas;
# what stays visible of it (head, hands, feet, knees, elbows, the gaps) is never shaded.
_HEAD = "M50 4C55.6 4 59.3 8.6 59.3 15C59.3 22 55.5 28 50 28C44.5 28 40.7 22 40.7 15C40.7 8.6 44.4 4 50 4Z"
_TORSO_HALF = (
    "M50 24L45.3 24L45 32C41 35 35 37.5 29 39.5C24 41 21.5 45 21 50L28 56C30 62 31.5 68 32 74"
    "C33 80 34.5 86 34 92C32.5 97 31 101 30.5 106L50 114Z"
)
_ARM_HALF = (
    "M29 40C23 39.5 19 43 18 49C17 55 16.5 61 16 67C15.5 73 15 79 14.5 84C13 90 11.5 97 11 103"
    "L10.5 110C9 113 8 118 8.5 122C9 125 10.5 127 12.5 127C14.5 126.5 15.5 124 16 121C16.5 117.5 16.5 113.5 16.8 110"
    "C18 103 20.5 96 22 89L23.5 84C25 77 26.5 70 27.5 63L29.5 56Z"
)
_LEG_HALF = (
    "M31 104C29.5 109 28.5 115 28.8 122C29.2 131 31 140 32.5 148C32 154 31.2 160 31.5 166"
    "C32 173 34 180 35.5 187L35.8 193C34.5 196 33.5 199 34.5 201C36.5 203 40.5 203.5 44 203"
    "C45.5 202 45.5 199 44.5 196L43.5 191C44.5 184 46 176 46.2 168C46.3 162 45.5 156 45 150"
    "C46.2 141 48 131 49.5 121L50 110Z"
)
# Every outline of the body turns the same way, so where two overlap their fill adds up, never cancels.
BODY = _format([_clockwise(outline) for outline in _parse(_HEAD) + _both_sides(_TORSO_HALF + _ARM_HALF + _LEG_HALF)])


@dataclass(frozen=True)
class Shape:
    """One area on the views it shows on: its left half (the page mirrors it) and where its number sits.

    ``number_at`` None: the area is not numbered on this shape (it is on another, or it is too thin).
    """

    key: str
    region: str
    views: tuple[str, ...]
    d: str
    number_at: tuple[float, float] | None


def _shape(key, region, views, half, number_at=None):
    return Shape(key, region, views, _format(_parse(half)), number_at)


R = BodyRegion
_F, _B, _FB = (FRONT,), (BACK,), (FRONT, BACK)

# Drawn in this order, back to front. Each BodyRegion has a shape on at least one view and a number on
# at least one of its shapes (tests/test_bodymap.py holds the figure to that).
SHAPES = (
    # --- Front ---
    _shape("traps-f", R.TRAPS, _F, "M45.2 30.5C44.5 34 40 36.5 33 38.8C37.5 39.4 41.5 38.6 46.5 36.8Z"),
    _shape(
        "shoulders",
        R.SHOULDERS,
        _FB,
        "M31 40C25.5 39.2 20.5 42 19 48.5C18.3 52 18.5 56 19.2 59.5C22 56.5 24.8 52.5 27 49C28.5 46 30.5 43 32.5 41Z",
        (23.5, 48.5),
    ),
    _shape(
        "chest",
        R.CHEST,
        _F,
        "M49.5 41.5C44 41 37.5 40.8 32.8 42C30 45 28 48.5 27.3 52C29.5 57.5 33.5 61.5 39 62.5"
        "C43 63 46.5 62.3 49.5 60.8Z",
        (39, 52),
    ),
    _shape(
        "biceps",
        R.BICEPS,
        _F,
        "M25.2 53C21.8 57 19.3 63.5 18.9 70.5C18.6 75.5 19.4 79.8 20.8 82.5C23.4 79.5 25.5 73.5 26.2 66.5"
        "C26.6 61.5 26.3 56.5 25.2 53Z",
        (22.6, 69),
    ),
    _shape(
        "forearms",
        R.FOREARMS,
        _FB,
        "M15.3 86C13.4 91 12.2 98 12 104L12.3 109.5L16.2 109.5C17.8 102 20.3 95 21.6 88.5C19.8 86.3 17.3 85.5 15.3 86Z",
        (16.5, 97),
    ),
    _shape(
        "obliques",
        R.OBLIQUES,
        _F,
        "M32.6 62.5C36 64 39.5 64.8 42.5 64.8L42.8 96C40.8 98.8 38.2 100.5 35.6 101.5"
        "C34.2 96.5 34.8 90.5 34.2 85C33.3 77 32.2 69 32.6 62.5Z",
        (61.8, 82),
    ),
    _shape(
        "abs",
        R.ABS,
        _F,
        "M43.6 64.8L49.4 64.2L49.4 73.5L43.6 74ZM43.6 75.2L49.4 74.8L49.4 84.6L43.6 84.8Z"
        "M43.6 86L49.4 85.8L49.4 95.6L43.6 95.8ZM43.7 97L49.4 96.8L49.4 110.5C46.5 109 44.6 104.5 43.7 97Z",
        (46.5, 80),
    ),
    _shape(
        "hip-flexors",
        R.HIP_FLEXORS,
        _F,
        "M35.4 102.8C38.5 101.6 41.3 99.7 42.9 97.6C43.6 102.5 45 106.8 47.3 110.3"
        "C44.2 112.6 40.4 112.7 37.3 111.5C36 108.6 35.2 105.6 35.4 102.8Z",
        (58.4, 106.5),
    ),
    _shape(
        "quadriceps",
        R.QUADRICEPS,
        _F,
        "M31.4 105.5C33.6 104.6 35.4 107.5 37.2 112.4C40.5 113.6 43.6 113.8 45.6 114.2"
        "C46 125 45.7 136 44.2 145.2C41.8 147.6 38.3 148.3 35.4 146.8C32.6 139.5 30.2 128.5 29.8 119.5"
        "C29.7 114 30.3 108.8 31.4 105.5Z",
        (38, 129),
    ),
    _shape(
        "adductors",
        R.ADDUCTORS,
        _F,
        "M47.8 111.5C49 112.3 49.6 113.3 49.6 115C49.3 123.5 47.8 131.5 45.6 139C45.7 130 46.5 121 46.9 113Z",
        (47.7, 121),
    ),
    _shape(
        "shins",
        R.SHINS,
        _F,
        "M34.7 153.5C33 159.5 32.8 167.5 34.3 175.5C35.2 181 36.4 186 37.6 190L39.4 190"
        "C39.6 180 40 168 40.6 155.8C38.8 153.7 36.7 153 34.7 153.5Z",
        (37.3, 168),
    ),
    _shape(
        "calves-f",
        R.CALVES,
        _F,
        "M42.3 153.8C44.6 157 45.8 162.5 45.6 169C45.4 174.5 44.2 178.5 43 181C42.2 173.5 41.8 164.5 42.3 153.8Z",
    ),
    # --- Back ---
    _shape(
        "traps",
        R.TRAPS,
        _B,
        "M50 30.5L45.3 31.5C43.5 35 39 37.8 32.5 39.8C37 41.8 41 45.2 43.8 50C46 55.5 48.5 63.5 50 71Z",
        (44.8, 45),
    ),
    _shape(
        "triceps",
        R.TRICEPS,
        _B,
        "M25.6 50.5C22 54 19.4 59.5 18.7 66.5C18.3 73 19.3 78.5 21 82C23.5 78.5 25.6 72 26.3 64.5"
        "C26.7 59 26.6 54 25.6 50.5Z",
        (22.6, 67),
    ),
    _shape(
        "upper-back",
        R.UPPER_BACK,
        _B,
        "M32.5 41.5C37 42.3 41 45.5 43.5 50.5C45.6 56 48 63.5 49.2 71.5C45.8 76.5 41.8 82.5 38.6 88.5"
        "C35.8 82 33.8 74 32.4 66C31.2 58 30.8 49.5 32.5 41.5Z",
        (37.5, 62),
    ),
    _shape(
        "obliques-b",
        R.OBLIQUES,
        _B,
        "M34.2 80C35.6 84 37 87.5 38.6 89.6C39.6 94.5 40.3 98.8 41.4 102.4C38 103.5 35.1 104.8 33 106.6"
        "C32.2 99 34.6 91 34.2 85Z",
    ),
    _shape(
        "lower-back",
        R.LOWER_BACK,
        _B,
        "M49.4 73.5C47.4 78.5 44.3 84 40.6 90.2C40.3 94.5 40.9 98.6 42.2 102C45 101 47.4 100.4 49.4 100.1Z",
        (45.8, 93),
    ),
    _shape(
        "glutes",
        R.GLUTES,
        _B,
        "M49.4 100.9C44.5 101.6 37.5 103.6 33.5 106.8C30.5 109.8 30 116 31.8 121C34 126.2 40.5 128.6 45.8 127.9"
        "C47.4 127.6 48.6 126.9 49.4 125.9Z",
        (40.5, 115),
    ),
    _shape(
        "hamstrings",
        R.HAMSTRINGS,
        _B,
        "M30.6 121.5C33 125.8 37.3 128.2 41.8 128.4C44 128.4 45.8 127.9 46.8 127.3C46.5 134.5 45.5 141.5 44.3 146.6"
        "C41 148.6 37 148.8 34.4 147C32 140 30 130.5 30.6 121.5Z",
        (38.8, 137.5),
    ),
    _shape(
        "adductors-b",
        R.ADDUCTORS,
        _B,
        "M49.4 125.4C49.1 131 48.2 136.5 46.8 141.5C46.4 136.5 46.9 131.5 47.6 126.8Z",
    ),
    _shape(
        "calves",
        R.CALVES,
        _B,
        "M33.4 152C31.6 157.5 31.4 164 32.7 170C34 175.5 36 179.5 38 181L39.6 175.5C40.4 179.2 41.2 181 42.6 181.2"
        "C44.6 178.5 46 172.5 46 165.5C46 159.5 44.6 154.6 42.2 152.2C39.2 151.2 36.2 151.2 33.4 152Z",
        (38.7, 164),
    ),
)


@dataclass(frozen=True)
class Rating:
    muscle: str
    emphasis: int

    @property
    def spoken(self) -> str:
        return f"{self.muscle} {self.emphasis} of {MAX_EMPHASIS}"


@dataclass(frozen=True)
class Area:
    key: str
    level: int  # 0: not worked, drawn in the body's colour


@dataclass(frozen=True)
class Number:
    level: int
    x: float
    y: float


@dataclass
class View:
    """One side of the figure, drawn ``offset`` units to the right of the first."""

    name: str
    side: str
    offset: int
    areas: list[Area] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)


@dataclass
class BodyMap:
    """One exercise's figure: its areas shaded by rating and the facts its text alternative states."""

    exercise: str
    slug: str
    ratings: list[Rating]
    views: list[View]
    width: int = 2 * VIEW_WIDTH
    height: int = VIEW_HEIGHT
    max_emphasis: int = MAX_EMPHASIS
    html: str = ""  # the figure as the page shows it (includes/body_map_figure.html)

    @property
    def title(self) -> str:
        return f"Muscles the {self.exercise} works, front and back, rated 1 to {self.max_emphasis}"

    @property
    def description(self) -> str:
        """The same facts as the muscle chart: every muscle and its rating, shown on the figure or not."""
        if not self.ratings:
            return "No muscles rated yet."
        return ", ".join(rating.spoken for rating in self.ratings) + "."


@dataclass(frozen=True)
class Artwork:
    """One shape the page defines once: the body whole, an area as its left half that the page mirrors."""

    id: str
    d: str
    mirrored: bool
    mirror: str = f"matrix(-1 0 0 1 {VIEW_WIDTH} 0)"


DEFS = (Artwork("bm-body", BODY, mirrored=False), *(Artwork(f"bm-{s.key}", s.d, mirrored=True) for s in SHAPES))


@cache
def artwork_html() -> str:
    """The hidden <svg> that defines every shape once, drawn once per process: it never changes."""
    return render_to_string("includes/body_map_defs.html", {"defs": DEFS})


@dataclass
class BodyMaps:
    """The figures one page shows, side by side, sharing one copy of the artwork."""

    figures: list[BodyMap]
    levels: range = range(1, MAX_EMPHASIS + 1)
    max_emphasis: int = MAX_EMPHASIS

    @property
    def defs_html(self) -> str:
        return artwork_html()


def body_maps(exercises, regions: dict[int, list[str]] | None = None) -> BodyMaps:
    """A figure for each exercise that has muscles rated (one with none has nothing to draw).

    ``regions``: the areas each muscle lights, by muscle id; without it, each muscle's ``regions`` prefetched.
    """
    return BodyMaps([body_map(exercise, regions) for exercise in exercises if exercise.muscle_links.all()])


# What a figure is drawn from: (exercise, slug, ((muscle, its position, rating, (areas…))…)).
FigureFacts = tuple[str, str, tuple[tuple[str, int, int, tuple[str, ...]], ...]]


def body_map(exercise, regions: dict[int, list[str]] | None = None) -> BodyMap:
    """The figure for one exercise, drawn once per version of what it shows.

    Expects ``muscle_links`` prefetched with their muscle (and the muscle's ``regions`` without
    ``regions``). The figure is kept by everything it is drawn from, so any edit (a rating, a muscle's
    name or areas, the exercise's name) draws a new one, and the same facts never draw twice.
    """

    def areas(link) -> tuple[str, ...]:
        found = (
            regions.get(link.muscle_id, ()) if regions is not None else (r.region for r in link.muscle.regions.all())
        )
        return tuple(sorted(found))

    links = tuple(
        (link.muscle.name, link.muscle.position, link.emphasis, areas(link)) for link in exercise.muscle_links.all()
    )
    return drawn_figure((exercise.name, exercise.slug, links))


@lru_cache(maxsize=256)
def drawn_figure(facts: FigureFacts) -> BodyMap:
    """The figure and its HTML. An area's shade is the highest rating of the exercise's muscles that light it.

    Kept for the life of the process (a bounded number): callers never change what it returns.
    """
    name, slug, links = facts
    links = sorted(links, key=lambda link: (-link[2], link[1], link[0]))
    levels: dict[str, int] = {}
    for _muscle, _position, emphasis, areas in links:
        for region in areas:
            levels[region] = max(levels.get(region, 0), emphasis)
    views = [View("Front", FRONT, 0), View("Back", BACK, VIEW_WIDTH)]
    for shape in SHAPES:
        level = levels.get(shape.region, 0)
        for view in views:
            if view.side not in shape.views:
                continue
            view.areas.append(Area(f"bm-{shape.key}", level))
            if level and shape.number_at:
                view.numbers.append(Number(level, *shape.number_at))
    figure = BodyMap(
        exercise=name, slug=slug, ratings=[Rating(muscle, emphasis) for muscle, _, emphasis, _ in links], views=views
    )
    figure.html = render_to_string("includes/body_map_figure.html", {"map": figure})
    return figure
