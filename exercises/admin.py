import json

import reversion
from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableAdminBase,
    SortableAdminMixin,
    SortableStackedInline,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from markdownx.models import MarkdownxField
from reversion_compare.admin import BaseCompareVersionAdmin

from . import publish_check, selectors, services
from .admin_history import ReadableHistory
from .admin_writing import MarkdownEditor
from .models import (
    FAQ,
    REPEATABLE_KINDS,
    ClientQuote,
    Coach,
    Comparison,
    Credential,
    Criterion,
    Exercise,
    ExerciseMuscle,
    ExercisePoint,
    GymProfile,
    Muscle,
    MuscleRegion,
    Myth,
    OpeningHours,
    PointKind,
    ProgrammingScheme,
    Reference,
    RelatedComparison,
    Section,
    ShowdownFactor,
    SlugRedirect,
    Status,
)
from .photos.admin import ExercisePhotoInline
from .sections import FIELDS_BY_KIND

admin.site.site_header = "Community Strength Austin"
admin.site.site_title = "Community Strength Austin admin"
admin.site.index_title = "Content and consultation requests"

MARKDOWN_EDITOR = {MarkdownxField: {"widget": MarkdownEditor}}
SEARCH_AND_SHARING = ("Search and sharing", {"fields": ("meta_title", "meta_description")})
BYLINE = ("Byline", {"fields": (("author", "reviewer"), ("reviewed_on", "next_review_due"))})


class HistoryAdmin(ReadableHistory, BaseCompareVersionAdmin):
    """Every change kept by django-reversion: the history newest first and to the second, any two versions
    compared side by side with their children, and a revert that shows what it will change first."""

    class Media:
        # The Markdown toolbar keeps what was typed in the browser until the save goes through; it is
        # here too so that the list a save lands on can forget that copy.
        js = ("js/markdown-toolbar.js",)


class PublishCheckFailed(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems


PUBLISH = "_publish"
SAVE_DRAFT = "_save_draft"


class PublishableForm(forms.ModelForm):
    """Refuses, in one message at the top, when the saved result would fail the publish check."""

    publish_problems: list[str] = []
    pressed = ""

    def clean(self):
        cleaned = super().clean()
        # Before the model's own clean(), which dates a publication that has no date.
        if self.pressed == PUBLISH:
            self.instance.status = Status.PUBLISHED
        elif self.pressed == SAVE_DRAFT:
            self.instance.status = Status.DRAFT
        if self.publish_problems:
            items = format_html_join("", "<li>{}</li>", ((problem,) for problem in self.publish_problems))
            raise ValidationError(
                format_html(
                    "Readers would see this, so it must be complete first. Nothing was saved; "
                    "what you typed is still here. Still to do:<ul>{}</ul>"
                    "Or press “Save draft” to keep it as a draft.",
                    items,
                )
            )
        return cleaned


def publishing_buttons(obj, *, now) -> dict:
    """The labels of the two save buttons, from what pressing each would do to readers.

    From the saved record: after a refused save the form's instance holds what was asked, not what is."""
    saved = type(obj).objects.filter(pk=obj.pk).values("status", "published_at").first() if obj and obj.pk else None
    live = saved is not None and saved["status"] == Status.PUBLISHED
    scheduled = saved is not None and saved["published_at"] is not None and saved["published_at"] > now
    if live:
        publish, draft = (
            ("Save, keep scheduled", "Unschedule: save as draft")
            if scheduled
            else ("Save, keep published", "Unpublish: save as draft")
        )
    else:
        publish, draft = ("Schedule" if scheduled else "Publish"), "Save draft"
    return {
        "live": live,
        "publish_label": publish,
        "draft_label": draft,
        "now": now.strftime("%Y-%m-%d %H:%M:%S"),
        "preview_url": obj.get_absolute_url() if obj is not None and obj.pk else "",
    }


def saved_message(obj, *, now) -> str:
    if obj.status != Status.PUBLISHED:
        return f"“{obj}” is saved as a draft; readers cannot see it."
    if obj.published_at > now:
        when = formats.date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
        return f"“{obj}” is scheduled: readers see it from {when}."
    return f"“{obj}” is published: readers see it now."


def exercise_summary(exercise):
    """What the article borrows from an exercise, read-only, with the way to edit it."""
    if exercise is None:
        return "Pick the exercise above and save; its content then shows here."
    muscles = ", ".join(f"{link.muscle.name} {link.emphasis}/5" for link in exercise.muscle_links.all())
    points = exercise.points.all()
    counts = ", ".join(f"{label} {sum(point.kind == kind for point in points)}" for kind, label in PointKind.choices)
    return format_html(
        '<div class="exercise-summary"><p><strong>{}</strong> ({}) · <a href="{}">Edit {}</a></p>'
        "<p>{}</p><p>Muscles: {}</p><p>Points: {}</p></div>",
        exercise.name,
        exercise.get_status_display().lower(),
        reverse("admin:exercises_exercise_change", args=[exercise.pk]),
        exercise.name,
        Truncator(exercise.what_it_is).words(40) or "What it is: not written yet.",
        muscles or "none yet",
        counts,
    )


class PublishableAdmin(SortableAdminBase, HistoryAdmin):
    """History and revert (django-reversion, following the inlines), old slugs kept as redirects, and the
    publish check: a save that readers would see is checked with its inlines saved, and undone if it fails.

    Staff never pick a status: "Save draft" keeps it from readers and "Publish" (or "Schedule", for a
    future date) shows it to them, after the check."""

    form = PublishableForm
    formfield_overrides = MARKDOWN_EDITOR

    class Media:
        js = ("js/admin-article.js",)

    def publish_problems(self, obj) -> list[str]:
        raise NotImplementedError

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), "status"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at":
            # The admin's date and time boxes share one label; each needs its own for screen readers.
            date, time = field.widget.widgets
            date.attrs["aria-label"], time.attrs["aria-label"] = "Publication date", "Publication time"
        return field

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["publishing"] = publishing_buttons(obj, now=timezone.localtime())
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if self.pressed(request) and not self.is_popup(request):
            return self.back_to_the_article(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self.pressed(request) and not self.is_popup(request):
            return self.back_to_the_article(request, obj)
        return super().response_change(request, obj)

    @staticmethod
    def pressed(request) -> str:
        return next((button for button in (PUBLISH, SAVE_DRAFT) if button in request.POST), "")

    @staticmethod
    def is_popup(request) -> bool:
        return IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET

    def back_to_the_article(self, request, obj):
        self.message_user(request, saved_message(obj, now=timezone.now()), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )

    @admin.display(description="status", ordering="published_at")
    def state(self, obj):
        if obj.status != Status.PUBLISHED:
            return obj.get_status_display()
        if obj.published_at > timezone.now():
            when = formats.date_format(timezone.localtime(obj.published_at), "DATETIME_FORMAT")
            return f"Scheduled for {when}"
        return "Published"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.publish_problems = getattr(request, "publish_problems", [])
        form.pressed = self.pressed(request)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changeform_view(request, object_id, form_url, extra_context)
        except PublishCheckFailed as failed:
            # Everything was rolled back; the same POST again now fails in the form, keeping what was typed.
            request.publish_problems = failed.problems
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            services.record_slug_change(item=obj, old_slug=old_slug)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if problems := self.publish_problems(form.instance):
            raise PublishCheckFailed(problems)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        item = self.get_object(request, object_id)
        published = request.method == "GET" and item is not None and item.status == Status.PUBLISHED
        if published and (problems := self.publish_problems(item)):
            messages.warning(
                request,
                format_html(
                    "Readers see this, but it fails the publish check; the next save must fix:<ul>{}</ul>",
                    format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
                ),
            )
        if published and (missing := selectors.uncheckable_references(item)):
            keys = ", ".join(reference.key for reference in missing)
            messages.warning(
                request,
                f"Readers cannot check {len(missing)} of the studies this article cites: {keys}. "
                "Add a DOI, PubMed ID or link to each under References.",
            )
        return super().change_view(request, object_id, form_url, extra_context)


class MarkdownInline(SortableStackedInline):
    """Ordered by drag and drop (django-admin-sortable2) or the Move up/down buttons; nobody types a position."""

    formfield_overrides = MARKDOWN_EDITOR
    extra = 0


class PositionedTabularInline(SortableTabularInline):
    extra = 0
    classes = ("collapse",)


# --- Exercise and its parts ------------------------------------------------


class ExerciseMuscleInline(PositionedTabularInline):
    model = ExerciseMuscle
    autocomplete_fields = ("muscle",)
    fields = ("muscle", "role", "emphasis", "label", "note")


class ExercisePointInline(PositionedTabularInline):
    model = ExercisePoint
    fields = ("kind", "title", "body")


class ProgrammingSchemeInline(PositionedTabularInline):
    model = ProgrammingScheme
    fields = (
        "goal",
        "sets_min",
        "sets_max",
        "reps_min",
        "reps_max",
        "load",
        "rest_min_seconds",
        "rest_max_seconds",
    )


class ClientQuoteInline(PositionedTabularInline):
    model = ClientQuote
    fields = ("first_name", "context", "quote")


@admin.register(Exercise)
class ExerciseAdmin(SortableAdminMixin, PublishableAdmin):
    list_display = ("name", "state", "muscle_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "summary", "what_it_is", "how_it_works")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("state", "updated_at", "used_in")
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "state", "published_at", "updated_at")}),
        (
            "Article",
            {
                "fields": ("used_in", "what_it_is", "muscles_intro", "muscles_more", "how_it_works", "equipment"),
                "description": "This is the exercise's own page, and every comparison that shows the exercise "
                "shows this text, its muscles and its points: an edit here changes all of them.",
            },
        ),
        ("Programming", {"fields": ("programming_tip",)}),
        BYLINE,
        SEARCH_AND_SHARING,
    )
    inlines = (
        ExercisePhotoInline,
        ExerciseMuscleInline,
        ExercisePointInline,
        ProgrammingSchemeInline,
        ClientQuoteInline,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("muscle_links")

    def publish_problems(self, obj) -> list[str]:
        return publish_check.exercise_problems(obj)

    @admin.display(description="muscles")
    def muscle_count(self, obj):
        return len(obj.muscle_links.all())

    @admin.display(description="shown in")
    def used_in(self, obj):
        comparisons = Comparison.objects.filter(Q(exercise_a=obj) | Q(exercise_b=obj)) if obj.pk else []
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:exercises_comparison_change", args=[c.pk]), c.title) for c in comparisons),
        )
        return links or "No comparison yet."


class MuscleRegionInline(admin.TabularInline):
    model = MuscleRegion
    extra = 0
    verbose_name = "area of the body map this muscle lights up"
    verbose_name_plural = "areas of the body map this muscle lights up"


@admin.register(Muscle)
class MuscleAdmin(SortableAdminMixin, HistoryAdmin):
    inlines = [MuscleRegionInline]
    list_display = ("name", "latin_name")
    search_fields = ("name", "latin_name")


@admin.register(Reference)
class ReferenceAdmin(SortableAdminMixin, HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("key", "authors", "title", "journal", "year", "checkable")
    list_filter = ("year",)
    search_fields = ("key", "authors", "title", "journal", "finding", "doi", "pmid")

    @admin.display(description="a reader can check it", boolean=True)
    def checkable(self, obj):
        return obj.is_checkable


# --- Comparison and its parts ----------------------------------------------


class ShowdownFactorInline(MarkdownInline):
    model = ShowdownFactor
    fields = ("title", "verdict_a", "verdict_b")


class CriterionInline(PositionedTabularInline):
    model = Criterion
    fields = ("name", "exercise_a_text", "exercise_b_text")


class MythInline(PositionedTabularInline):
    model = Myth
    fields = ("myth", "correction")


class FAQInline(MarkdownInline):
    model = FAQ
    fields = ("question", "answer")


class RelatedComparisonInline(PositionedTabularInline):
    model = RelatedComparison
    fields = ("text_before", "link_text", "target_slug", "text_after")


class SectionFormSet(CustomInlineFormSet):
    """Catches a kind added twice in one save, which the database's conditional constraint would only refuse."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk or self._should_delete_form(form):
                continue
            kind, side = form.cleaned_data.get("kind"), form.cleaned_data.get("side", "")
            key = ("side", side) if side else (None if kind in REPEATABLE_KINDS else ("kind", kind))
            if key is None:
                continue
            if key in seen:
                raise ValidationError(
                    "Two sections show the same exercise's overview."
                    if side
                    else f"Two sections are “{Section(kind=kind).get_kind_display()}”: keep one."
                )
            seen.add(key)


class SectionInline(MarkdownInline):
    model = Section
    formset = SectionFormSet
    fields = ("kind", "heading", "side", "caption", "body")
    verbose_name_plural = "sections, in the order readers see them"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "kind":
            # admin-article.js shows only the fields the chosen kind uses.
            field.widget.attrs["data-section-fields"] = json.dumps(FIELDS_BY_KIND)
        return field


@admin.register(Comparison)
class ComparisonAdmin(SortableAdminMixin, PublishableAdmin):
    list_display = ("title", "exercise_a", "exercise_b", "state", "faq_count", "updated_at")
    list_filter = ("status", "exercise_a", "exercise_b")
    search_fields = ("title", "summary", "sections__heading", "sections__body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("exercise_a", "exercise_b", "lead_photo")
    readonly_fields = ("state", "updated_at", "exercise_a_summary", "exercise_b_summary")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "summary",
                    ("exercise_a", "exercise_b"),
                    "lead_photo",
                    "state",
                    "published_at",
                    "updated_at",
                )
            },
        ),
        (
            "The exercises it shows",
            {
                "fields": ("exercise_a_summary", "exercise_b_summary"),
                "description": "What each exercise is, its muscles and its points come from the exercise's own "
                "page. An edit there changes every article that shows that exercise.",
            },
        ),
        BYLINE,
        SEARCH_AND_SHARING,
    )
    inlines = (SectionInline, ShowdownFactorInline, CriterionInline, RelatedComparisonInline, MythInline, FAQInline)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise_a", "exercise_b").prefetch_related("faqs")

    @admin.display(description="FAQs")
    def faq_count(self, obj):
        return len(obj.faqs.all())

    @admin.display(description="first exercise")
    def exercise_a_summary(self, obj):
        return exercise_summary(obj.exercise_a if obj.pk else None)

    @admin.display(description="second exercise")
    def exercise_b_summary(self, obj):
        return exercise_summary(obj.exercise_b if obj.pk else None)

    def publish_problems(self, obj) -> list[str]:
        return publish_check.comparison_problems(obj) if publish_check.faces_readers(obj) else []


@admin.register(FAQ)
class FAQAdmin(HistoryAdmin):
    """FAQs are edited inline on their comparison too; this list finds one fast."""

    formfield_overrides = MARKDOWN_EDITOR
    list_display = ("question", "comparison", "position")
    list_filter = ("comparison",)
    search_fields = ("question", "answer")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.touch_comparison_of(obj)
        # An FAQ edited here is part of its comparison's history, as when edited inline there.
        reversion.add_to_revision(obj.comparison)


class CredentialInline(PositionedTabularInline):
    model = Credential
    fields = ("name", "issued_by")


@admin.register(Coach)
class CoachAdmin(SortableAdminMixin, HistoryAdmin):
    """Coaches write and review articles; the byline and their page show only published ones."""

    formfield_overrides = MARKDOWN_EDITOR
    list_display = ("name", "role", "credential_names", "is_published")
    list_filter = ("is_published",)
    search_fields = ("name", "role", "bio")
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "role", "years_coaching", "photo", "bio", "is_published")
    autocomplete_fields = ("photo",)
    inlines = (CredentialInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("credentials")

    @admin.display(description="credentials")
    def credential_names(self, obj):
        return obj.credential_names


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "target", "created_at")
    search_fields = ("old_slug",)
    autocomplete_fields = ("comparison", "exercise")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(GymProfile)
class GymProfileAdmin(HistoryAdmin):
    """One record: the footer of every page, the visit page and what search engines know of the gym."""

    formfield_overrides = {**MARKDOWN_EDITOR, models.URLField: {"assume_scheme": "https"}}
    inlines = (OpeningHoursInline,)
    fieldsets = (
        (None, {"fields": ("name",)}),
        ("Where", {"fields": ("street_address", "city", "region", "postal_code", "map_url", "directions")}),
        ("How to reach it", {"fields": ("phone", "email")}),
        ("Privacy page", {"fields": ("privacy_contact", "privacy_notice")}),
        (
            "Words on the site",
            {
                "fields": (
                    "tagline",
                    "consultation_intro",
                    "what_happens_next",
                    "consultation_coach",
                    "exercise_cta_heading",
                    "ratings_note",
                )
            },
        ),
    )
    autocomplete_fields = ("consultation_coach",)

    def has_add_permission(self, request):
        return not GymProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
