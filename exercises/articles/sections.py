"""What each kind of section shows, what it is called by default, and when it has nothing to show.

This is the one place that knows the kinds. The comparison page, its table of
contents, its reading time and its JSON-LD all come from the list this module
builds; the publish check asks it which sections would show nothing.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import slugify

from ..library.charts import muscle_chart
from ..library.models import Exercise
from .models import Comparison, Section, SectionKind, Side

ANCHORS = {
    SectionKind.AT_A_GLANCE: "at-a-glance",
    SectionKind.SHOWDOWN: "showdown",
    SectionKind.CRITERIA: "criteria",
    SectionKind.WHO_SHOULD_CHOOSE: "who",
    SectionKind.PROGRAMMING: "programming",
    SectionKind.MYTHS: "myths",
    SectionKind.FORM_TIPS: "form",
    SectionKind.FAQS: "faqs",
    SectionKind.RELATED: "related",
    SectionKind.CALL_TO_ACTION: "consultation",
}
USUAL_ADVICE_HEADING = "Combine Both:"
# The at-a-glance box names the muscles an exercise works hardest: those rated this high, or else its top one.
HARDEST = 4

# The fields of a Section each kind reads; the admin shows staff only these.
FIELDS_BY_KIND = {
    kind: ("heading",)
    + (("side",) if kind == SectionKind.EXERCISE_OVERVIEW else ())
    + (("caption",) if kind in (SectionKind.CRITERIA, SectionKind.WHO_SHOULD_CHOOSE) else ())
    + (() if kind == SectionKind.AT_A_GLANCE else ("body",))
    for kind in SectionKind.values
}
AT_A_GLANCE_MUSCLES = 3


def usual_heading(kind: str, *, first: str, second: str, exercise: str = "", gym: str = "") -> str:
    """The heading a section has when staff leave it empty; "" for kinds that have none (text, tables)."""
    return {
        SectionKind.AT_A_GLANCE: "At a Glance",
        SectionKind.EXERCISE_OVERVIEW: f"What Is the {exercise}?",
        SectionKind.SHOWDOWN: f"{first} vs. {second}: The Showdown",
        SectionKind.WHO_SHOULD_CHOOSE: "Who Should Use Each Exercise?",
        SectionKind.PROGRAMMING: "Programming Tips for Success",
        SectionKind.MYTHS: "Busting Myths",
        SectionKind.FORM_TIPS: "Tips for Nailing Form",
        SectionKind.FAQS: "FAQs",
        SectionKind.CALL_TO_ACTION: f"Start Your Fitness Journey with {gym}",
    }.get(kind, "")


def usual_caption(kind: str, *, first: str, second: str) -> str:
    if kind == SectionKind.CRITERIA:
        return f"{first} and {second}, side by side"
    if kind == SectionKind.WHO_SHOULD_CHOOSE:
        return USUAL_ADVICE_HEADING
    return ""


@dataclass
class RelatedLink:
    text_before: str
    link_text: str
    text_after: str
    url: str  # "" while no published comparison has the slug: the words show, unlinked


@dataclass
class GlanceRow:
    exercise: Exercise
    hardest: list
    equipment: str
    choose_if: object | None


@dataclass
class ShownSection:
    """One section as the page shows it: only what has content, already named and anchored."""

    kind: str
    heading: str
    anchor: str
    body_html: str = ""
    caption: str = ""
    exercise: Exercise | None = None
    exercises: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    chart: object = None
    jump: "ShownSection | None" = None
    texts: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"includes/sections/{self.kind}.html"

    @property
    def words(self) -> int:
        return count_words(self.texts)


@dataclass
class Article:
    """What the builders read: the comparison, the exercises a reader may see, the live related links and
    the comparison's rows (each list in order)."""

    comparison: Comparison
    visible: dict[str, Exercise]  # by side; an exercise that is not live is missing unless staff preview
    related: list[RelatedLink]
    gym: str
    factors: list = field(default_factory=list)
    criteria: list = field(default_factory=list)
    myths: list = field(default_factory=list)
    faqs: list = field(default_factory=list)

    def name(self, side: str) -> str:
        exercise = getattr(self.comparison, f"exercise_{side}")
        return exercise.name if exercise else dict(Side.choices)[side]

    @property
    def exercises(self) -> list[Exercise]:
        return [self.visible[side] for side in Side.values if side in self.visible]


# The lede: the introduction's first paragraph, shown before the at-a-glance box when it is short enough for a
# 390 × 844 phone's first screen to hold the title, the byline, the lede and the top of the box; otherwise it follows
# the box. At most LEDE_WORDS words under a title of up to two lines on that phone (TITLE_FREE characters); each
# 8 characters beyond take 5 words off (a title line of ~17 characters is as tall as about eight words of lede, and a
# byline naming an author and a reviewer takes a line more).
LEDE_WORDS = 60
TITLE_FREE = 34
FIRST_PARAGRAPH = re.compile(r"\A\s*(<p>.*?</p>)(.*)\Z", re.S)


def lede_words(title: str) -> int:
    """The most words a lede under this title may have."""
    return max(0, LEDE_WORDS - max(0, len(title) - TITLE_FREE) * 5 // 8)


def split_lede(html: str, *, title: str = "") -> tuple[str, str]:
    """(the lede, the rest of the introduction): its first paragraph when it is short enough under this title."""
    if (found := FIRST_PARAGRAPH.match(html)) and count_words([found.group(1)]) <= lede_words(title):
        return found.group(1), found.group(2).strip()
    return "", html


def count_words(texts) -> int:
    """Words a reader reads in these texts (HTML or plain)."""
    return sum(len(strip_tags(text).split()) for text in texts if text)


def point_texts(points) -> list[str]:
    return [f"{point.title} {point.body}" for point in points]


def show(section: Section, article: Article) -> ShownSection | None:
    """The section as readers see it, or None when it has nothing to show."""
    first, second = article.name(Side.FIRST), article.name(Side.SECOND)
    exercise = article.visible.get(section.side)
    usual = usual_heading(
        section.kind, first=first, second=second, exercise=exercise.name if exercise else "", gym=article.gym
    )
    shown = ShownSection(
        kind=section.kind,
        heading=section.heading or usual,
        anchor=ANCHORS.get(section.kind, ""),
        body_html=section.body_html,
        caption=section.caption or usual_caption(section.kind, first=first, second=second),
        texts=[section.body_html],
    )
    exercises = article.exercises
    match section.kind:
        case SectionKind.PROSE:
            shown.anchor = slugify(shown.heading)
            has_content = bool(section.body_html)
        case SectionKind.AT_A_GLANCE:
            shown.rows = [row for row in map(glance_row, exercises) if row.hardest or row.equipment or row.choose_if]
            shown.texts += [f"{row.equipment} {row.choose_if.body if row.choose_if else ''}" for row in shown.rows]
            has_content = bool(shown.rows)
        case SectionKind.EXERCISE_OVERVIEW:
            if exercise is None:
                return None
            shown.exercise = exercise
            shown.anchor = f"what-is-{exercise.slug}"
            shown.rows = [link for link in exercise.muscle_links.all() if link.note]
            parts = exercise.benefits + exercise.drawbacks
            shown.texts += [exercise.what_it_is_html, exercise.how_it_works_html, exercise.muscles_intro]
            shown.texts += [link.note for link in shown.rows] + point_texts(parts)
            shown.texts += [quote.quote for quote in exercise.quotes.all()]
            has_content = bool(exercise.what_it_is_html or exercise.how_it_works_html or shown.rows or parts)
        case SectionKind.SHOWDOWN:
            shown.rows = article.factors
            shown.exercises = exercises
            shown.chart = muscle_chart(exercises, chart_id="comparison-chart")
            shown.texts += [f"{factor.title} {factor.verdict_a_html} {factor.verdict_b_html}" for factor in shown.rows]
            has_content = bool(shown.rows or shown.chart.rows)
        case SectionKind.CRITERIA:
            shown.rows = article.criteria
            shown.exercises = [first, second]
            shown.texts += [f"{row.name} {row.exercise_a_text} {row.exercise_b_text}" for row in shown.rows]
            has_content = bool(shown.rows)
        case SectionKind.WHO_SHOULD_CHOOSE:
            shown.exercises = [exercise for exercise in exercises if exercise.choose_if]
            shown.texts += [text for exercise in shown.exercises for text in point_texts(exercise.choose_if)]
            has_content = bool(shown.exercises or section.body_html)
        case SectionKind.PROGRAMMING:
            shown.exercises = [exercise for exercise in exercises if exercise.schemes.all() or exercise.programming_tip]
            shown.texts += [
                text
                for exercise in shown.exercises
                for text in [exercise.programming_tip, *(scheme.sentence for scheme in exercise.schemes.all())]
            ]
            has_content = bool(shown.exercises)
        case SectionKind.MYTHS:
            shown.rows = article.myths
            shown.texts += [f"Myth: {myth.myth} {myth.correction}" for myth in shown.rows]
            has_content = bool(shown.rows)
        case SectionKind.FORM_TIPS:
            shown.exercises = [exercise for exercise in exercises if exercise.form_tips]
            shown.texts += [text for exercise in shown.exercises for text in point_texts(exercise.form_tips)]
            has_content = bool(shown.exercises or section.body_html)
        case SectionKind.FAQS:
            shown.rows = article.faqs
            shown.texts += [f"{faq.question} {faq.answer_html}" for faq in shown.rows]
            has_content = bool(shown.rows)
        case SectionKind.RELATED:
            shown.rows = article.related
            shown.texts += [f"{link.text_before} {link.link_text} {link.text_after}" for link in shown.rows]
            has_content = bool(shown.rows)
        case SectionKind.CALL_TO_ACTION:
            has_content = True  # the consultation form is always there to fill in
        case _:
            has_content = False
    return shown if has_content else None


def glance_row(exercise: Exercise) -> GlanceRow:
    ranked = sorted(exercise.muscle_links.all(), key=lambda link: (-link.emphasis, link.position, link.pk))
    hardest = [link for link in ranked if link.emphasis >= HARDEST][:AT_A_GLANCE_MUSCLES] or ranked[:1]
    choose_if = exercise.choose_if
    return GlanceRow(exercise, hardest, exercise.equipment, choose_if[0] if choose_if else None)


def shown_sections(sections, article: Article) -> list[ShownSection]:
    """The sections with something to show, in order, each with an anchor no other section on the page has."""
    shown = [item for item in (show(section, article) for section in sections) if item is not None]
    taken = set()
    for number, item in enumerate(shown, 1):
        anchor = item.anchor or f"section-{number}"
        while anchor in taken:
            anchor += f"-{number}"
        item.anchor = anchor
        taken.add(anchor)
    who = next((item for item in shown if item.kind == SectionKind.WHO_SHOULD_CHOOSE and item.exercises), None)
    for item in shown:
        if item.kind == SectionKind.AT_A_GLANCE:
            item.jump = who
    return shown


def related_links(lines) -> list[RelatedLink]:
    """Each line of the related section; ``target_live`` comes with the rows (rows.py, or
    selectors.related_links_prefetch), so this runs no SQL."""
    return [
        RelatedLink(
            link.text_before,
            link.link_text,
            link.text_after,
            reverse("exercises:comparison_detail", kwargs={"slug": link.target_slug}) if link.target_live else "",
        )
        for link in lines
    ]
