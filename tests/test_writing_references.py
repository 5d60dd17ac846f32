"""References readers can use: each shows what is known in the usual citation order plus the finding, never "to
come". The shipped article's "Research by Bret Contreras shows…" is cited like any other claim, by a reference holding
only what the article says; staff still get the warning for references readers cannot check."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exercises.articles.models import Comparison, ShowdownFactor
from exercises.pagecache import mark_stale
from exercises.writing.models import Reference
from tests.conftest import make_comparison, make_exercise

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
KEY = "contreras-glute-activation"
SHIPPED = (
    "King of glute activation. Research by Bret Contreras shows it outperforms most exercises for targeting the "
    "gluteus maximus, making it ideal for sculpting your backside."
)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def entry(client, key: str, path: str = ARTICLE) -> str:
    mark_stale()
    page = client.get(path).content.decode()
    return re.search(rf'<li id="ref-{key}".*?</li>', page, flags=re.S).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "reads"),
    [
        pytest.param(
            {"journal": "Journal of Strength and Conditioning Research", "year": 2018},
            "Journal of Strength and Conditioning Research, 2018. Found it.",
            id="journal-and-year",
        ),
        pytest.param({"authors": "Bret Contreras"}, "Bret Contreras. Found it.", id="author-only"),
        pytest.param(
            {"authors": "Contreras B, et al.", "year": 2015, "journal": "Journal of Applied Biomechanics"},
            "Contreras B, et al. (2015). Journal of Applied Biomechanics. Found it.",
            id="author-year-journal",
        ),
        pytest.param(
            {"authors": "Plotkin DL, et al.", "year": 2022, "title": "Hip thrust and squat", "journal": "PeerJ"}
            | {"volume": "10", "pages": "e13909"},
            "Plotkin DL, et al. (2022). Hip thrust and squat. PeerJ, 10, e13909. Found it.",
            id="full",
        ),
    ],
)
def test_a_reference_shows_what_is_known_in_citation_order_then_the_finding(client, fields, reads):
    Reference.objects.create(key="study", finding="Found it.", **fields)
    comparison = make_comparison(make_exercise("Squat"), make_exercise("Lunge"), intro="A claim.[ref:study]")

    shown = entry(client, "study", comparison.get_absolute_url())

    assert text(shown).startswith(reads)
    assert "to come" not in shown.lower()
    assert Reference.objects.get().known == reads.removesuffix(" Found it.").removesuffix(".")


@pytest.mark.django_db
def test_the_journal_is_set_as_a_title_of_a_work(client):
    Reference.objects.create(key="study", journal="PeerJ", year=2022, finding="Found it.")
    comparison = make_comparison(make_exercise("Squat"), make_exercise("Lunge"), intro="A claim.[ref:study]")

    assert "<cite>PeerJ</cite>, 2022." in entry(client, "study", comparison.get_absolute_url())


@pytest.mark.django_db
def test_a_reference_needs_at_least_who_or_where():
    reference = Reference(key="nothing", finding="Something.")
    with pytest.raises(ValidationError, match="at least who did the study or the journal"):
        reference.full_clean()
    Reference(key="who", authors="Bret Contreras", finding="Something.").full_clean()
    Reference(key="where", journal="PeerJ", finding="Something.").full_clean()


@pytest.mark.django_db
def test_the_shipped_contreras_line_is_cited_by_a_reference_holding_only_what_the_article_says(client, content):
    factor = ShowdownFactor.objects.get(title="Muscle Activation")
    assert factor.verdict_b == SHIPPED + f"[ref:{KEY}]"
    reference = Reference.objects.get(key=KEY)
    assert (reference.authors, reference.finding) == (
        "Bret Contreras",
        "The hip thrust outperforms most exercises for targeting the gluteus maximus.",
    )
    assert not any((reference.title, reference.journal, reference.year, reference.doi, reference.pmid, reference.url))

    mark_stale()
    page = client.get(ARTICLE).content.decode()
    assert re.search(
        r"Research by Bret Contreras shows it outperforms most exercises for targeting the gluteus maximus, making it "
        rf'ideal for sculpting your backside\.<sup class="cite" id="cite-{KEY}-1"><a href="#ref-{KEY}"',
        page,
    )
    assert text(entry(client, KEY)).startswith(
        "Bret Contreras. The hip thrust outperforms most exercises for targeting the gluteus maximus."
    )
    references = re.search(r'<section class="references".*?</section>', page, flags=re.S).group(0)
    assert "to come" not in references.lower()


@pytest.mark.django_db
def test_staff_are_still_warned_that_readers_cannot_check_the_shipped_references(admin_client, content):
    url = f"/admin/exercises/comparison/{Comparison.objects.get().pk}/change/"
    assert "Readers cannot check 4 of the studies this article cites" in admin_client.get(url).content.decode()


# --- The data migration: the shipped text is cited only if it is still as shipped -----------------------------------

BEFORE = ("exercises", "0015_default_byline")
AFTER = ("exercises", "0016_reference_what_the_article_says")


@pytest.fixture
def shipped_then_back(transactional_db):
    """The shipped content loaded, then the schema taken back to before the migration."""
    call_command("load_initial_data", stdout=io.StringIO())
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    yield executor.loader.project_state([BEFORE]).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    return executor.loader.project_state([AFTER]).apps


def test_going_back_restores_the_shipped_wording(shipped_then_back):
    old = shipped_then_back
    factor = old.get_model("exercises", "ShowdownFactor").objects.get(title="Muscle Activation")
    assert factor.verdict_b == SHIPPED and "ref-" not in factor.verdict_b_html
    assert not old.get_model("exercises", "Reference").objects.filter(key=KEY).exists()


def test_the_migration_cites_the_shipped_wording(shipped_then_back):
    new = migrate_forward()

    factor = new.get_model("exercises", "ShowdownFactor").objects.get(title="Muscle Activation")
    assert factor.verdict_b == SHIPPED + f"[ref:{KEY}]"
    assert f'href="#ref-{KEY}"' in factor.verdict_b_html
    assert new.get_model("exercises", "Reference").objects.get(key=KEY).authors == "Bret Contreras"


def test_the_migration_leaves_wording_staff_changed_alone(shipped_then_back):
    old = shipped_then_back
    edited = "King of glute activation, in our coaches' experience."
    old.get_model("exercises", "ShowdownFactor").objects.filter(title="Muscle Activation").update(verdict_b=edited)

    new = migrate_forward()

    assert new.get_model("exercises", "ShowdownFactor").objects.get(title="Muscle Activation").verdict_b == edited
    assert not new.get_model("exercises", "Reference").objects.filter(key=KEY).exists()
