"""Staff can change every word of the article from the admin."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from exercises.articles.models import FAQ, Comparison, Criterion, Myth, RelatedComparison, ShowdownFactor
from exercises.library.models import ClientQuote, Exercise, ExerciseMuscle, ExercisePoint, ProgrammingScheme

pytestmark = pytest.mark.django_db


class AdminForm(HTMLParser):
    """The fields a browser would submit from the admin's main form (<form id="..._form">)."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._textarea = None
        self._select = None
        self._select_options: list[tuple[str, bool]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = (attrs.get("id") or "").endswith("_form")
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select, self._select_options = name, []
        elif tag == "option" and self._select:
            self._select_options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea][-1] = self.data[self._textarea][-1].removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._select_options if selected]
            if chosen or self._select_options:
                self.data[self._select] = chosen or [self._select_options[0][0]]
            self._select = None


def form_data(client, url) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return AdminForm(response.content.decode()).data


def inline_prefix(data, field: str, value: str) -> str:
    """The form prefix (e.g. "faqs-2") of the inline row whose ``field`` has ``value``."""
    for name, values in data.items():
        if name.endswith(f"-{field}") and values == [value] and "__prefix__" not in name:
            return name.removesuffix(f"-{field}")
    raise AssertionError(f"no inline row has {field}={value!r}")


def change_url(obj):
    return reverse(f"admin:exercises_{obj._meta.model_name}_change", args=[obj.pk])


def error_messages(page: str) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, flags=re.S))


# --- What is editable where ---------------------------------------------------------------


def inline_models(model):
    return {inline.model for inline in admin.site._registry[model].inlines}


def test_every_model_can_be_edited_in_the_admin():
    inlined = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    for model in apps.get_app_config("exercises").get_models():
        assert model in admin.site._registry or model in inlined, f"{model.__name__} cannot be edited"


def test_children_are_edited_inline_on_their_parent():
    assert {ExerciseMuscle, ExercisePoint, ProgrammingScheme, ClientQuote} <= inline_models(Exercise)
    assert {ShowdownFactor, Criterion, Myth, FAQ, RelatedComparison} <= inline_models(Comparison)


@pytest.mark.parametrize("model", [Exercise, Comparison])
def test_pages_have_search_filters_slug_prepopulation_and_a_useful_list(model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields
    assert "status" in model_admin.list_filter
    assert model_admin.prepopulated_fields.get("slug")
    assert len(model_admin.list_display) >= 3 and "state" in model_admin.list_display


def test_search_and_filters_find_the_article(admin_client, content):
    url = reverse("admin:exercises_comparison_changelist")

    assert "Leg Press vs Hip Thrust" in admin_client.get(url, {"q": "hip thrust"}).content.decode()
    assert "Leg Press vs Hip Thrust" not in admin_client.get(url, {"q": "kettlebell swing"}).content.decode()
    assert "Leg Press vs Hip Thrust" in admin_client.get(url, {"status__exact": "published"}).content.decode()
    assert "Leg Press vs Hip Thrust" not in admin_client.get(url, {"status__exact": "draft"}).content.decode()


@pytest.mark.parametrize(("model", "slug"), [(Comparison, "leg-press-vs-hip-thrust"), (Exercise, "hip-thrust")])
def test_view_on_site_leads_to_the_public_page(admin_client, content, model, slug):
    obj = model.objects.get(slug=slug)
    page = admin_client.get(change_url(obj)).content.decode()

    link = re.search(r'<a href="([^"]+)" class="viewsitelink">', page)
    assert link, "no “View on site” link"
    response = admin_client.get(link.group(1))
    assert response.status_code == 302
    assert response["Location"].endswith(obj.get_absolute_url())


def test_markdown_fields_use_the_markdownx_editor_with_the_staff_only_preview(admin_client, content):
    page = admin_client.get(change_url(Comparison.objects.get())).content.decode()

    assert 'name="sections-0-body"' in page
    assert page.count("markdownx-editor") >= 5
    assert 'data-markdownx-urls-path="/markdownx/markdownify/"' in page


# --- Editing through the forms -------------------------------------------------------------


def test_staff_edit_an_faq_inline_and_readers_see_it(admin_client, client, content):
    comparison = Comparison.objects.get()
    url = change_url(comparison)
    data = form_data(admin_client, url)
    row = inline_prefix(data, "question", "Can beginners do hip thrusts safely?")
    data[f"{row}-answer"] = ["Yes. Start with **bodyweight** and see [ref:jss-2020-hip-thrust]."]

    response = admin_client.post(url, data)

    assert response.status_code == 302, error_messages(response.content.decode())
    faq = FAQ.objects.get(question="Can beginners do hip thrusts safely?")
    assert faq.answer_html.startswith("<p>Yes. Start with <strong>bodyweight</strong>")
    page = client.get(comparison.get_absolute_url()).content.decode()
    assert "Yes. Start with <strong>bodyweight</strong> and see" in page


def test_staff_edit_an_exercise_and_its_scheme(admin_client, client, content):
    exercise = Exercise.objects.get(slug="hip-thrust")
    url = change_url(exercise)
    data = form_data(admin_client, url)
    row = inline_prefix(data, "goal", "hypertrophy")
    data[f"{row}-sets_min"] = ["3"]
    data["summary"] = ["The glute builder."]

    response = admin_client.post(url, data)

    assert response.status_code == 302, error_messages(response.content.decode())
    assert ProgrammingScheme.objects.get(exercise=exercise, goal="hypertrophy").sentence == (
        "3–4 sets of 12–15 reps with moderate weight, 60–90 seconds rest."
    )
    page = client.get(exercise.get_absolute_url()).content.decode()
    assert "The glute builder." in page
    assert "3–4 sets of 12–15 reps with moderate weight, 60–90 seconds rest." in page


def test_the_admin_shows_why_a_scheme_is_refused(admin_client, content):
    exercise = Exercise.objects.get(slug="hip-thrust")
    url = change_url(exercise)
    data = form_data(admin_client, url)
    row = inline_prefix(data, "goal", "strength")
    data[f"{row}-reps_min"] = ["12"]
    data[f"{row}-reps_max"] = ["8"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "The lowest number of reps cannot be above the highest." in error_messages(response.content.decode())
    assert ProgrammingScheme.objects.get(exercise=exercise, goal="strength").reps_min == 6


def test_the_admin_refuses_a_citation_of_an_unknown_reference(admin_client, content):
    comparison = Comparison.objects.get()
    url = change_url(comparison)
    data = form_data(admin_client, url)
    data[f"{inline_prefix(data, 'heading', 'Final Thoughts')}-body"] = ["Trust me [ref:no-such-study]."]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "No reference has the key no-such-study" in error_messages(response.content.decode())
    assert "no-such-study" not in comparison.sections.get(heading="Final Thoughts").body


def test_staff_add_an_faq_inline(admin_client, client, content):
    comparison = Comparison.objects.get()
    url = change_url(comparison)
    data = form_data(admin_client, url)
    total = int(data["faqs-TOTAL_FORMS"][0])
    data["faqs-TOTAL_FORMS"] = [str(total + 1)]
    data[f"faqs-{total}-question"] = ["Do I need a belt?"]
    data[f"faqs-{total}-answer"] = ["Not for *these* lifts."]

    response = admin_client.post(url, data)

    assert response.status_code == 302, error_messages(response.content.decode())
    page = client.get(comparison.get_absolute_url()).content.decode()
    assert page.index("How do I avoid back pain during hip thrusts?") < page.index("Do I need a belt?")
    assert "Not for <em>these</em> lifts." in page


@pytest.mark.django_db
def test_the_admin_carries_the_sites_own_stylesheet_with_save_kept_in_reach(admin_client, content):
    from django.contrib.staticfiles import finders

    page = admin_client.get(reverse("admin:exercises_comparison_change", args=[Comparison.objects.get().pk]))

    assert 'href="/static/css/admin.css"' in page.content.decode()
    assert "position: sticky" in Path(finders.find("css/admin.css")).read_text()


@pytest.mark.parametrize("model", ["comparison", "exercise", "muscle", "reference", "coach"])
def test_nobody_types_a_position_lists_and_forms_reorder_by_drag_and_drop(admin_client, content, model):
    changelist = admin_client.get(reverse(f"admin:exercises_{model}_changelist")).content.decode()
    add_form = admin_client.get(reverse(f"admin:exercises_{model}_add")).content.decode()

    assert 'id="admin_sortable2_config"' in changelist  # django-admin-sortable2's drag handles
    assert "-position" not in changelist
    assert 'name="position"' not in add_form
