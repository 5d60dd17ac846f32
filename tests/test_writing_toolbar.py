"""Writing in the admin: the preview warns about what the page drops, numbers citations as the page does,
every Markdown field says what it keeps, the Cite button finds references, and typing is never lost."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from exercises.articles.models import FAQ, Comparison
from exercises.gym.models import Coach, GymProfile
from exercises.library.models import Exercise
from exercises.writing.admin import MARKDOWN_HELP
from exercises.writing.markdown import ALLOWED_TAGS, render_markdown
from exercises.writing.models import Reference
from exercises.writing.preview import warnings
from tests.test_articles_publishing import form_as_posted
from tests.test_leads_inbox import new_lead

MARKDOWNIFY = "/markdownx/markdownify/"
SEARCH = "/admin/writing/references/"


@pytest.fixture
def references(db):
    return [
        Reference.objects.create(
            key="plotkin-2022",
            authors="Plotkin DL, Rodas MA, Vigotsky AD",
            title="Hip thrust and back squat training elicit similar gluteus muscle hypertrophy",
            journal="PeerJ",
            year=2022,
            finding="Similar growth.",
        ),
        Reference.objects.create(
            key="contreras-2015",
            authors="Contreras B, Vigotsky AD, Schoenfeld BJ",
            title="A comparison of gluteus maximus EMG amplitude in the parallel squat",
            journal="Journal of Applied Biomechanics",
            year=2015,
            finding="More activation.",
        ),
    ]


# --- The preview's warnings ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("## Benefits", ["“## Benefits”", "shows as plain text", "###"]),
        ("# Big title", ["“# Big title”", "plain text"]),
        ("##### Tiny", ["“##### Tiny”", "####"]),
        ("Benefits\n--------", ["“## Benefits”", "plain text"]),
        ('<div class="box">Boxed</div>', ["<div>", "text inside it stays"]),
        ("<script>alert(1)</script>", ["<script>", "everything inside it"]),
        ('<p style="color:red">Red</p>', ['style="…"', "<p>"]),
        ("![A chart](https://example.com/chart.png)", ["“A chart”", "outside the photo library", "leaves it out"]),
        ("![A squat](image:no-such-picture)", ["“A squat”", "no picture in the photo library", "“no-such-picture”"]),
        ("[click](javascript:alert(1))", ["“click”", "not a web or email address", "without a link"]),
        ("Above\n\n---\n\nBelow", ["divider", "left out"]),
        ("    indented code", ["code block", "ordinary text"]),
        ("As shown [ref:nobody-2020].", ["“nobody-2020”", "leaves", "saving will refuse"]),
        ("As shown [ref:Plotkin_2022].", ["“[ref:Plotkin_2022]”", "shows exactly as typed"]),
    ],
)
def test_the_preview_warns_about_what_the_page_drops_and_says_what_it_does_instead(text, said):
    found = warnings(text)
    assert len(found) == 1, found
    for words in said:
        assert words in found[0]


@pytest.mark.django_db
def test_text_the_page_keeps_raises_no_warning(references):
    text = (
        "**Strong** and *soft* with `code`.\n\n### A heading\n\n#### A smaller one\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n"
        '[a link](https://example.com/ "its title") [mail](mailto:coach@example.com) [back](#faqs) '
        "as shown [ref:plotkin-2022]."
    )
    assert warnings(text) == []
    assert {"h3", "h4", "ul", "ol", "blockquote", "code", "strong", "em", "a", "sup"} <= ALLOWED_TAGS


@pytest.mark.django_db
def test_the_same_problem_twice_is_said_once():
    assert len(warnings("## One\n\n## One")) == 1
    assert len(warnings("## One\n\n## Two")) == 2


# --- The preview endpoint -----------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="coach", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_preview_numbers_citations_as_the_page_will(staff_client, references):
    text = "Glutes grow [ref:plotkin-2022], activation differs [ref:contreras-2015], again [ref:plotkin-2022]."
    preview = staff_client.post(MARKDOWNIFY, {"content": text}).content.decode()

    numbers = re.findall(r'<a href="#ref-([a-z0-9-]+)" aria-label="Reference (\d)">\[(\d)\]</a>', preview)
    assert numbers == [("plotkin-2022", "1", "1"), ("contreras-2015", "2", "2"), ("plotkin-2022", "1", "1")]
    assert "ref:plotkin-2022]" not in preview.split('class="preview-cited"')[0]  # the body shows numbers, not keys
    assert "Plotkin DL, Rodas MA, Vigotsky AD (2022)" in preview  # which study each number is
    assert ' id="cite-' not in preview  # the page's own ids would repeat across several previews


@pytest.mark.django_db
def test_the_warnings_come_above_the_text_as_the_page_shows_it(staff_client):
    text = "## Why it matters\n\nHip thrusts **win**."
    preview = staff_client.post(MARKDOWNIFY, {"content": text}).content.decode()

    assert preview.index('class="preview-warnings"') < preview.index('class="preview-body"')
    assert "The page changes one thing in this text" in preview
    assert render_markdown(text) in preview  # the body is exactly what saving stores


@pytest.mark.django_db
def test_a_clean_text_previews_with_no_warning_box(staff_client):
    preview = staff_client.post(MARKDOWNIFY, {"content": "Plain **text**."}).content.decode()
    assert "preview-warnings" not in preview
    assert "<strong>text</strong>" in preview


# --- The help line under every Markdown field ----------------------------------------------------------


def markdown_textareas(html: str) -> list[str]:
    return re.findall(r"<textarea[^>]*markdownx-editor[^>]*>", html)


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Comparison, Exercise, FAQ, Coach, GymProfile])
def test_every_markdown_field_has_the_help_line_and_points_to_it(admin_client, content, model):
    if model is Coach:
        Coach.objects.create(name="Test Coach", slug="test-coach", role="Coach")
    obj = model.objects.first()
    page = admin_client.get(reverse(f"admin:exercises_{model._meta.model_name}_change", args=[obj.pk]))
    html = page.content.decode()

    textareas = markdown_textareas(html)
    assert textareas, "no Markdown field on the page"
    for textarea in textareas:
        field_id = re.search(r'id="([^"]+)"', textarea).group(1)
        assert f"{field_id}_markdown_help" in re.search(r'aria-describedby="([^"]+)"', textarea).group(1)
        assert f'<p class="markdown-help" id="{field_id}_markdown_help">{MARKDOWN_HELP}</p>' in html
    assert "[ref:key]" in MARKDOWN_HELP and "<code>###</code>" in MARKDOWN_HELP
    assert "js/markdown-toolbar.js" in html
    assert f'data-reference-search="{SEARCH}"' in html


@pytest.mark.django_db
def test_the_inbox_never_loads_the_script_that_keeps_drafts(admin_client, content):
    lead = new_lead(name="Maria Lopez", email="maria@example.com")
    page = admin_client.get(reverse("admin:exercises_consultationrequest_change", args=[lead.pk]))

    assert page.status_code == 200
    assert "markdown-toolbar.js" not in page.content.decode()


# --- The Cite button's search ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reference_search_finds_by_author(admin_client, references):
    results = admin_client.get(SEARCH, {"q": "plotkin"}).json()["results"]
    assert [result["key"] for result in results] == ["plotkin-2022"]
    assert results[0]["text"] == "[ref:plotkin-2022]"
    assert results[0]["label"].startswith("Plotkin DL, Rodas MA, Vigotsky AD (2022) Hip thrust and back squat")


@pytest.mark.django_db
def test_the_reference_search_finds_by_title_every_word_anywhere(admin_client, references):
    results = admin_client.get(SEARCH, {"q": "EMG gluteus"}).json()["results"]
    assert [result["key"] for result in results] == ["contreras-2015"]
    both = admin_client.get(SEARCH, {"q": "vigotsky"}).json()["results"]
    assert {result["key"] for result in both} == {"plotkin-2022", "contreras-2015"}
    assert admin_client.get(SEARCH, {"q": "deadlift"}).json()["results"] == []


@pytest.mark.django_db
def test_the_reference_search_is_for_staff_only(client, references):
    response = client.get(SEARCH, {"q": "plotkin"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    member = get_user_model().objects.create_user(username="member", password="pw-for-tests")
    client.force_login(member)
    assert client.get(SEARCH, {"q": "plotkin"}).status_code == 302


@pytest.mark.django_db
def test_staff_who_may_not_see_references_cannot_search_them(client, references):
    staff = get_user_model().objects.create_user(username="inbox", password="pw-for-tests", is_staff=True)
    client.force_login(staff)
    assert client.get(SEARCH, {"q": "plotkin"}).status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="view_reference"))
    assert client.get(SEARCH, {"q": "plotkin"}).status_code == 200


# --- Never lose typing -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_what_was_typed_survives_a_rejected_save(admin_client, content):
    faq = FAQ.objects.first()
    url = reverse("admin:exercises_faq_change", args=[faq.pk])
    typed = "A long answer typed with care, citing [ref:no-such-study]."

    response = admin_client.post(url, {**form_as_posted(admin_client, url), "answer": typed})

    assert response.status_code == 200
    assert "No reference has the key no-such-study" in response.content.decode()
    assert typed in response.content.decode()
    faq.refresh_from_db()
    assert faq.answer != typed
