"""The pages a reader sees, checked against the seed article they are built from."""

import html
import os
import re
from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from exercises.articles.models import (
    FAQ,
    Comparison,
    Criterion,
    Myth,
    RelatedComparison,
    Section,
    SectionKind,
    ShowdownFactor,
)
from exercises.library.models import Exercise, ExerciseMuscle
from exercises.pagecache import mark_stale
from exercises.writing.models import Reference, Status
from tests.conftest import PROJECT_DIR, make_comparison, make_exercise

pytestmark = pytest.mark.django_db

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
# A copy of ../shared/seed/leg-press-vs-hip-thrust.txt, kept in the repo so a bare clone can check it.
SEED = Path(os.environ.get("SEED_ARTICLE", PROJECT_DIR / "tests" / "seed" / "leg-press-vs-hip-thrust.txt"))

# Every heading of the seed, in the seed's order (the repeated ones appear once per exercise).
SEED_HEADINGS = [
    "What Is the Leg Press?",
    "Muscles Worked",
    "How It Works",
    "Benefits of the Leg Press",
    "Drawbacks",
    "What Is the Hip Thrust?",
    "Muscles Worked",
    "How It Works",
    "Benefits of the Hip Thrust",
    "Drawbacks",
    "Leg Press vs. Hip Thrust: The Showdown",
    "1. Muscle Activation",
    "2. Strength and Muscle Growth",
    "3. Functional Fitness",
    "4. Ease of Use and Accessibility",
    "5. Safety and Injury Risk",
    "6. Time Efficiency",
    "Who Should Use Each Exercise?",
    "Choose Leg Press If:",
    "Choose Hip Thrust If:",
    "Combine Both:",
    "Programming Tips for Success",
    "Busting Myths",
    "Tips for Nailing Form",
    "Final Thoughts",
    "FAQs",
    "Start Your Fitness Journey with Community Strength Austin",
]

# Seed text that is deliberately not on the page word for word. Keep this short:
# a real sentence missing from the page is a bug in the content, not an exception.
NOT_ON_PAGE = {
    "---|---|---|": "the Markdown table's separator line; the page has a real <table> instead",
}
# Lead-ins of the client quotes. The quote itself must be on the page; the lead-in is
# not, because the page shows the quote as a <figure> with the client's name as its caption.
QUOTE_LEAD_INS = {
    "A client of mine, Sarah, said,": "rendered as a quote figure captioned “Sarah, a client of mine”",
    "My client Jake, a soccer player, said,": "rendered as a quote figure captioned “Jake, my client, a soccer player”",
}

SENTENCE_END = re.compile(r"(?<=[.!?]”)\s+|(?<=[.!?])\s+")


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"The seed article is not at {SEED}; set SEED_ARTICLE to its path.")
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def table_rows(lines: list[str]) -> list[list[str]]:
    """The seed's Markdown table, one list of cells per row, without the separator line."""
    rows = [line for line in lines if " | " in line]
    return [[cell.strip() for cell in line.strip().strip("|").split(" | ")] for line in rows]


def squash(text: str) -> str:
    return " ".join(text.split())


def visible_text(page: str) -> str:
    """What a reader can see: no head, scripts, styles or the chart's text alternative; entities decoded."""
    page = re.sub(r"<head>.*?</head>|<(script|style|title|desc)\b.*?</\1>|<!--.*?-->", "", page, flags=re.S)
    return squash(html.unescape(re.sub(r"<[^>]+>", "", page)))


def headings(page: str) -> list[str]:
    found = re.findall(r"<h([1-6])\b[^>]*>(.*?)</h\1>", page, flags=re.S)
    return [squash(html.unescape(re.sub(r"<[^>]+>", "", text))) for _, text in found]


def criteria_table(page: str) -> list[list[str]]:
    table = re.search(r"<table\b[^>]*>.*?</table>", page, flags=re.S).group(0)
    rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", table, flags=re.S)
    return [
        [
            squash(html.unescape(re.sub(r"<[^>]+>", "", cell)))
            for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in rows
    ]


def get_article(client) -> str:
    response = client.get(ARTICLE)
    assert response.status_code == 200
    return response.content.decode()


# --- The article renders the whole seed ----------------------------------------------


def test_every_section_heading_of_the_seed_is_a_heading_in_order(client, content, seed_lines):
    for heading in SEED_HEADINGS:
        assert heading in seed_lines, f"the test lists {heading!r}, which is not a line of the seed"

    page_headings = iter(headings(get_article(client)))
    for heading in SEED_HEADINGS:
        assert heading in page_headings, f"heading {heading!r} is missing or out of the seed's order"


def test_every_faq_question_is_on_the_page(client, content, seed_lines):
    start, end = seed_lines.index("FAQs"), seed_lines.index(SEED_HEADINGS[-1])
    questions = seed_lines[start + 1 : end : 2]
    assert len(questions) == 6
    assert all(question.endswith("?") for question in questions)

    page_headings = headings(get_article(client))
    for question in questions:
        assert question in page_headings


def test_every_criteria_table_cell_is_in_the_table(client, content, seed_lines):
    rows = table_rows(seed_lines)
    assert len(rows) == 5 and all(len(row) == 3 for row in rows), rows

    assert criteria_table(get_article(client)) == rows


def test_every_sentence_of_the_seed_is_on_the_page(client, content, seed_lines):
    text = visible_text(get_article(client))
    missing = []
    for line in seed_lines:
        if line in NOT_ON_PAGE:
            continue
        if " | " in line:  # a table row: its cells are checked one by one
            sentences = [cell for row in table_rows([line]) for cell in row]
        else:
            sentences = SENTENCE_END.split(line.removeprefix("- "))
        for sentence in sentences:
            for lead_in in QUOTE_LEAD_INS:
                if sentence.startswith(lead_in):
                    sentence = sentence.removeprefix(lead_in).strip()
            if squash(sentence) not in text:
                missing.append(sentence)
    assert missing == []


def test_the_criteria_table_is_an_accessible_table(client, content):
    page = get_article(client)
    table = re.search(r"<table\b[^>]*>.*?</table>", page, flags=re.S).group(0)

    assert re.search(r"<caption>\s*\S", table)
    assert table.count('<th scope="col">') == 3
    assert table.count('<th scope="row">') == Criterion.objects.count() == 4


def test_every_table_of_contents_link_points_at_a_section_on_the_page(client, content):
    page = get_article(client)
    toc = re.search(r'<nav class="toc".*?</nav>', page, flags=re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', toc)
    ids = set(re.findall(r'\bid="([^"]+)"', page))

    assert len(targets) >= 8
    assert [target for target in targets if target not in ids] == []
    # Every other in-page link too (skip link, footnotes).
    assert [target for target in re.findall(r'href="#([^"]+)"', page) if target not in ids] == []


def test_the_muscle_chart_is_inline_svg_with_a_text_alternative(client, content):
    page = get_article(client)
    # The chart's own <svg>: the body map's figures above it are tests/test_bodymap.py's.
    svg = re.search(r'<svg class="muscle-chart".*?</svg>', page, flags=re.S).group(0)

    assert "<script" not in svg.lower()
    assert not re.search(r"\son\w+=", svg)
    assert re.search(r"<title\b[^>]*>[^<]*Leg Press[^<]*Hip Thrust[^<]*</title>", svg)
    desc = html.unescape(re.search(r"<desc\b[^>]*>(.*?)</desc>", svg, flags=re.S).group(1))
    for link in ExerciseMuscle.objects.select_related("exercise", "muscle"):
        assert f"{link.muscle.name}:" in desc
        assert f"{link.exercise.name} {link.emphasis} of 5" in desc


def test_citations_are_numbered_footnotes_linking_to_the_reference_list(client, content):
    page = get_article(client)
    citations = re.findall(
        r'<sup class="cite" id="cite-[a-z0-9-]+"><a href="#(ref-[a-z0-9-]+)"[^>]*>\[(\d)\]</a></sup>', page
    )

    assert [number for _, number in citations] == ["1", "2", "3", "4"]  # the Contreras line is cited too
    assert {target for target, _ in citations} == {
        f"ref-{key}" for key in Reference.objects.values_list("key", flat=True)
    }
    references = re.search(r'<section class="references".*?</section>', page, flags=re.S).group(0)
    for target, number in citations:
        assert re.search(rf'<li id="{target}" value="{number}">', references)
    assert "Journal of Strength and Conditioning Research" in references


# --- The related comparison line -----------------------------------------------------

RELATED_URL = "/compare/glute-bridge-vs-hip-thrust/"


def related_line(page: str) -> str:
    return re.search(r'<p class="related">.*?</p>', page, flags=re.S).group(0)


@pytest.fixture
def glute_bridge_comparison(content):
    return make_comparison(
        make_exercise("Glute Bridge"),
        Exercise.objects.get(slug="hip-thrust"),
        title="Glute Bridge vs. Hip Thrust",
        slug="glute-bridge-vs-hip-thrust",
    )


def test_related_comparison_is_plain_text_when_it_does_not_exist(client, content):
    line = related_line(get_article(client))
    assert "Glute Bridge vs. Hip Thrust" in line
    assert "<a" not in line


def test_related_comparison_is_plain_text_while_it_is_a_draft(client, glute_bridge_comparison):
    glute_bridge_comparison.status = Status.DRAFT
    glute_bridge_comparison.save()

    page = get_article(client)
    assert "Glute Bridge vs. Hip Thrust" in related_line(page)
    assert "<a" not in related_line(page)
    assert RELATED_URL not in page


def test_related_comparison_is_a_link_once_published(client, glute_bridge_comparison):
    line = related_line(get_article(client))
    assert f'<a href="{RELATED_URL}">Glute Bridge vs. Hip Thrust</a>' in line
    assert client.get(RELATED_URL).status_code == 200


# --- Who sees what -------------------------------------------------------------------


def test_a_draft_comparison_is_not_found(client, content):
    Comparison.objects.update(status=Status.DRAFT)
    response = client.get(ARTICLE)
    assert response.status_code == 404
    assert "Leg Press vs Hip Thrust" not in response.content.decode()


# The comparison page's read (a cache miss: after an edit, at a go-live, for staff): the gym and its hours, the
# comparison, every row of it in one query, the exercises' parts, and when content next goes live.
ARTICLE_QUERIES = 10


def test_the_article_runs_a_fixed_number_of_queries(client, content, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as before:
        get_article(client)
    assert len(before) <= ARTICLE_QUERIES, [query["sql"] for query in before]

    comparison = Comparison.objects.get()
    for number in range(20):
        FAQ.objects.create(
            comparison=comparison, question=f"Question {number}?", answer="An *answer* [ref:scj-2019-sprint]."
        )
    for number in range(10):
        Criterion.objects.create(
            comparison=comparison, name=f"Criterion {number}", exercise_a_text="A", exercise_b_text="B"
        )

    with django_assert_max_num_queries(len(before)):
        page = get_article(client)
    assert "Question 19?" in page and "Criterion 9" in page


def test_the_article_costs_the_same_queries_however_many_rows_it_has(client, content):
    with CaptureQueriesContext(connection) as before:
        get_article(client)

    comparison = Comparison.objects.get()
    for number in range(10):
        Section.objects.create(comparison=comparison, kind=SectionKind.PROSE, heading=f"Part {number}", body="Text.")
        FAQ.objects.create(comparison=comparison, question=f"Question {number}?", answer="An answer.")
        ShowdownFactor.objects.create(
            comparison=comparison, title=f"Factor {number}", verdict_a="Yes.", verdict_b="No."
        )
        Criterion.objects.create(
            comparison=comparison, name=f"Criterion {number}", exercise_a_text="A", exercise_b_text="B"
        )
        Myth.objects.create(comparison=comparison, myth=f"Myth {number}.", correction="Not so.")
        RelatedComparison.objects.create(
            comparison=comparison, target_slug=f"other-{number}", link_text=f"Other {number}"
        )
        Reference.objects.create(key=f"extra-{number}", journal="Journal", year=2020, finding="Found.")
    mark_stale()

    with CaptureQueriesContext(connection) as after:
        page = get_article(client)
    assert len(after) == len(before) <= ARTICLE_QUERIES, [query["sql"] for query in after]
    text = visible_text(page)
    for number in (0, 9):
        assert f"Part {number}" in text and f"Question {number}?" in text and f"Factor {number}" in text
        assert f"Criterion {number}" in text and f"Myth {number}." in text and f"Other {number}" in text


# --- Other pages -------------------------------------------------------------------------


def test_exercise_page_shows_everything_about_the_exercise(client, content):
    response = client.get("/exercises/hip-thrust/")
    assert response.status_code == 200
    page = response.content.decode()
    text = visible_text(page)

    assert "<h1>Hip Thrust</h1>" in page
    assert "Gluteus Maximus: The biggest muscle in your butt, responsible for hip extension." in text
    assert re.search(r"<svg\b[^>]*>\s*<title\b", page) and "<desc" in page
    assert "Glute Gains: If you want a stronger, more defined backside, this is your move." in text
    assert "Setup Can Be Tricky: Positioning a barbell and bench takes practice" in text
    assert "Tuck your chin and keep your spine neutral." in text
    programming = criteria_table(page)
    assert programming == [
        ["Goal", "Sets", "Reps", "Load", "Rest"],
        ["Strength", "3–5", "6–10", "Heavy weight", "2–3 minutes"],
        ["Hypertrophy", "4", "12–15", "Moderate weight", "60–90 seconds"],
    ]
    assert f'href="{ARTICLE}"' in page


def test_a_draft_exercise_is_not_found(client, content):
    Exercise.objects.filter(slug="hip-thrust").update(status=Status.DRAFT)
    assert client.get("/exercises/hip-thrust/").status_code == 404
    assert 'href="/exercises/hip-thrust/"' not in get_article(client)


def test_home_lists_published_comparisons_and_links_to_the_consultation(client, content):
    draft = make_comparison(make_exercise("Glute Bridge"), make_exercise("Step Up"), status=Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()

    card = re.search(r'<article class="card">.*?</article>', page, flags=re.S).group(0)
    assert f'<a href="{ARTICLE}">Leg Press vs Hip Thrust</a>' in card
    assert html.escape(Comparison.objects.get(slug="leg-press-vs-hip-thrust").summary) in card
    assert draft.title not in page
    assert 'href="/consultation/"' in page


def test_home_without_comparisons_still_renders(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/consultation/"' in response.content.decode()


def test_not_found_is_the_styled_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<header class="site-header">' in page
    assert "We couldn’t find that page" in page


def test_server_error_page_renders_without_a_request():
    page = render_to_string("500.html")
    assert "Something went wrong" in page
    assert "/static/css/site.css" in page


def test_an_exercise_without_muscles_yet_shows_no_empty_chart(client, db):
    squat, lunge = make_exercise("Squat"), make_exercise("Lunge")
    comparison = make_comparison(squat, lunge)

    for url in (squat.get_absolute_url(), comparison.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "<svg" not in response.content.decode()


# --- Sources a reader can check ----------------------------------------------------


def test_the_shipped_references_show_what_the_article_gives_and_never_to_come(client, content):
    references = re.search(r'<section class="references".*?</section>', get_article(client), flags=re.S).group(0)

    assert "to come" not in references
    assert Reference.objects.count() == 4  # three studies and the Contreras research
    assert "<cite>Journal of Sports Science</cite>, 2020. Hip thrusts activated the glutes 20–30% more" in references
    assert "doi.org" not in references and "pubmed" not in references  # nothing invented


def test_a_full_reference_reads_the_usual_way_with_links_and_a_way_back_to_each_citation(client, content):
    from tests.conftest import make_comparison, make_exercise

    Reference.objects.create(
        key="plotkin-2022",
        authors="Plotkin DL, Rodas MA, Vigotsky AD, et al.",
        title="Hip thrust and back squat training elicit similar gluteus muscle hypertrophy",
        journal="PeerJ",
        year=2022,
        volume="10",
        pages="e13909",
        doi="10.7717/peerj.13909",
        pmid="36196402",
        finding="Both built the glutes about equally.",
    )
    comparison = make_comparison(
        make_exercise("Squat"), make_exercise("Glute Bridge"), intro="One [ref:plotkin-2022]. Two [ref:plotkin-2022]."
    )

    page = client.get(comparison.get_absolute_url()).content.decode()

    entry = re.search(r'<li id="ref-plotkin-2022".*?</li>', page, flags=re.S).group(0)
    text = " ".join(re.sub(r"<[^>]+>", "", entry).split())
    assert text.startswith(
        "Plotkin DL, Rodas MA, Vigotsky AD, et al. (2022). Hip thrust and back squat training elicit similar "
        "gluteus muscle hypertrophy. PeerJ, 10, e13909."
    )
    assert 'href="https://doi.org/10.7717/peerj.13909"' in entry
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/36196402/"' in entry
    assert "Full citation to come" not in entry
    assert re.search(
        r"↩\s*<a href=\"#cite-plotkin-2022-1\"[^>]*>a</a>\s*<a href=\"#cite-plotkin-2022-2\"[^>]*>b</a>", entry
    )
    assert 'id="cite-plotkin-2022-1"' in page and 'id="cite-plotkin-2022-2"' in page


def test_the_admin_warns_when_a_published_article_cites_a_study_readers_cannot_check(admin_client, content):
    comparison = Comparison.objects.get()
    url = f"/admin/exercises/comparison/{comparison.pk}/change/"

    assert "Readers cannot check 4 of the studies this article cites" in admin_client.get(url).content.decode()

    Reference.objects.update(doi="10.1000/example")
    assert "Readers cannot check" not in admin_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/exercises/hip-thrust/", "Hip Thrust | Community Strength Austin"),
        ("/consultation/", "Free consultation | Community Strength Austin"),
        ("/no-such-page/", "Page not found | Community Strength Austin"),
    ],
)
def test_page_titles_name_the_page_then_the_gym(client, content, path, title):
    page = client.get(path).content.decode()

    assert re.search(r"<title>(.*?)</title>", page).group(1).startswith(title.split(" | ")[0])
    assert re.search(r"<title>(.*?)</title>", page).group(1).endswith(" | Community Strength Austin")
