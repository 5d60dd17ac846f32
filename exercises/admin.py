from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin

from . import services
from .exports import write_requests_csv
from .models import (
    FAQ,
    ClientQuote,
    Comparison,
    ConsultationRequest,
    Counter,
    Criterion,
    Exercise,
    ExerciseMuscle,
    ExercisePoint,
    Muscle,
    Myth,
    Notification,
    NotificationKind,
    NotificationRecipient,
    NotificationStatus,
    ProgrammingScheme,
    Reference,
    RelatedComparison,
    RequestStatus,
    ShowdownFactor,
    SlugRedirect,
)

admin.site.site_header = "Community Strength Austin"
admin.site.site_title = "Community Strength Austin admin"
admin.site.index_title = "Content and consultation requests"

MARKDOWN_EDITOR = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
SEARCH_AND_SHARING = ("Search and sharing", {"fields": ("meta_title", "meta_description")})


class PublishableAdmin(VersionAdmin):
    """History and revert (django-reversion, following the inlines), and old slugs kept as redirects."""

    formfield_overrides = MARKDOWN_EDITOR

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data:
            services.record_slug_change(item=obj, old_slug=old_slug)


class MarkdownInline(admin.StackedInline):
    formfield_overrides = MARKDOWN_EDITOR
    extra = 0


class PositionedTabularInline(admin.TabularInline):
    extra = 0


# --- Exercise and its parts ------------------------------------------------


class ExerciseMuscleInline(PositionedTabularInline):
    model = ExerciseMuscle
    autocomplete_fields = ("muscle",)
    fields = ("position", "muscle", "role", "emphasis", "label", "note")


class ExercisePointInline(PositionedTabularInline):
    model = ExercisePoint
    fields = ("position", "kind", "title", "body")


class ProgrammingSchemeInline(PositionedTabularInline):
    model = ProgrammingScheme
    fields = (
        "position",
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
    fields = ("position", "first_name", "context", "quote")


@admin.register(Exercise)
class ExerciseAdmin(PublishableAdmin):
    list_display = ("name", "status", "published_at", "muscle_count", "position", "updated_at")
    list_editable = ("position",)
    list_filter = ("status",)
    search_fields = ("name", "summary", "what_it_is", "how_it_works")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "summary", "status", "published_at", "position", "updated_at")}),
        ("Article", {"fields": ("what_it_is", "muscles_intro", "muscles_more", "how_it_works", "equipment")}),
        ("Programming", {"fields": ("programming_tip",)}),
        SEARCH_AND_SHARING,
    )
    inlines = (ExerciseMuscleInline, ExercisePointInline, ProgrammingSchemeInline, ClientQuoteInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("muscle_links")

    @admin.display(description="muscles")
    def muscle_count(self, obj):
        return len(obj.muscle_links.all())


@admin.register(Muscle)
class MuscleAdmin(VersionAdmin):
    list_display = ("name", "latin_name", "position")
    list_editable = ("position",)
    search_fields = ("name", "latin_name")


@admin.register(Reference)
class ReferenceAdmin(VersionAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("key", "journal", "year", "position")
    list_editable = ("position",)
    list_filter = ("year",)
    search_fields = ("key", "journal", "finding", "doi")


# --- Comparison and its parts ----------------------------------------------


class ShowdownFactorInline(MarkdownInline):
    model = ShowdownFactor
    fields = ("position", "title", "verdict_a", "verdict_b")


class CriterionInline(PositionedTabularInline):
    model = Criterion
    fields = ("position", "name", "exercise_a_text", "exercise_b_text")


class MythInline(PositionedTabularInline):
    model = Myth
    fields = ("position", "myth", "correction")


class FAQInline(MarkdownInline):
    model = FAQ
    fields = ("position", "question", "answer")


class RelatedComparisonInline(PositionedTabularInline):
    model = RelatedComparison
    fields = ("position", "text_before", "link_text", "target_slug", "text_after")


@admin.register(Comparison)
class ComparisonAdmin(PublishableAdmin):
    list_display = ("title", "exercise_a", "exercise_b", "status", "published_at", "faq_count", "updated_at")
    list_filter = ("status", "exercise_a", "exercise_b")
    search_fields = ("title", "summary", "intro", "final_thoughts")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("exercise_a", "exercise_b")
    readonly_fields = ("updated_at",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "summary",
                    ("exercise_a", "exercise_b"),
                    "status",
                    "published_at",
                    "position",
                    "updated_at",
                )
            },
        ),
        ("Introduction", {"fields": ("intro",)}),
        ("Showdown", {"fields": ("showdown_heading", "showdown_intro", "criteria_caption")}),
        ("Who should use each", {"fields": ("who_heading", "combine_heading", "combine_body")}),
        ("Programming, myths and form", {"fields": ("programming_heading", "myths_heading", "form_heading", "warmup")}),
        ("Closing", {"fields": ("final_heading", "final_thoughts", "faq_heading", "cta_heading", "cta_body")}),
        SEARCH_AND_SHARING,
    )
    inlines = (ShowdownFactorInline, CriterionInline, RelatedComparisonInline, MythInline, FAQInline)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exercise_a", "exercise_b").prefetch_related("faqs")

    @admin.display(description="FAQs")
    def faq_count(self, obj):
        return len(obj.faqs.all())


@admin.register(FAQ)
class FAQAdmin(VersionAdmin):
    """FAQs are edited inline on their comparison too; this list finds one fast."""

    formfield_overrides = MARKDOWN_EDITOR
    list_display = ("question", "comparison", "position")
    list_filter = ("comparison",)
    search_fields = ("question", "answer")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.touch_comparison_of(obj)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ("old_slug", "target", "created_at")
    search_fields = ("old_slug",)
    autocomplete_fields = ("comparison", "exercise")


# --- Consultation inbox -----------------------------------------------------


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ("kind", "status", "attempts", "last_error", "next_attempt_at", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _status_action(status):
    def action(modeladmin, request, queryset):
        changed = services.set_request_status(queryset, status)
        modeladmin.message_user(request, f"{changed} request(s) marked {RequestStatus(status).label.lower()}.")

    action.__name__ = f"mark_{status}"
    return admin.action(description=f"Mark selected as {RequestStatus(status).label.lower()}")(action)


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "goal", "source", "age", "notification_state", "created_at")
    list_display_links = ("name",)
    list_filter = ("status", "goal", "source_comparison", "created_at", "archived", "preferred_contact")
    search_fields = ("name", "email", "phone")
    date_hierarchy = "created_at"
    list_per_page = 50
    change_list_template = "admin/exercises/consultationrequest/change_list.html"
    consent_fields = (
        "consent",
        "consent_text",
        "consent_version",
        "consented_at",
        "calls_texts_consent",
        "calls_texts_consent_text",
    )
    origin_fields = ("source_path", "source_comparison", "ip_address", "user_agent")
    readonly_fields = ("created_at", *consent_fields, *origin_fields)
    fieldsets = (
        ("Inbox", {"fields": ("status", "archived", "staff_notes")}),
        (
            "Request",
            {"fields": ("name", "email", "phone", "goal", "preferred_contact", "best_time", "message", "created_at")},
        ),
        ("Consent (as the visitor gave it)", {"fields": consent_fields}),
        ("Where it came from", {"fields": origin_fields}),
    )
    inlines = (NotificationInline,)
    actions = (
        _status_action(RequestStatus.CONTACTED),
        _status_action(RequestStatus.BOOKED),
        _status_action(RequestStatus.WON),
        _status_action(RequestStatus.LOST),
        _status_action(RequestStatus.SPAM),
        "archive",
        "export_csv",
        "resend_emails",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_comparison").prefetch_related("notifications")

    def has_add_permission(self, request):
        return False  # requests come from visitors only

    def has_delete_permission(self, request, obj=None):
        # Staff archive or mark lost; deleting a lead is a superuser's decision.
        return request.user.is_superuser

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_filtered_view),
                name="exercises_consultationrequest_export",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="source", ordering="source_path")
    def source(self, obj):
        return obj.source_comparison.title if obj.source_comparison else (obj.source_path or "—")

    @admin.display(description="age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, depth=1)

    @admin.display(description="emails")
    def notification_state(self, obj):
        parts = []
        for notification in obj.notifications.all():
            label = "staff" if notification.kind == NotificationKind.STAFF else "reply"
            state = notification.get_status_display().lower()
            if notification.status == NotificationStatus.FAILING:
                state = f"failing ×{notification.attempts}: {notification.last_error[:80]}"
            parts.append(f"{label}: {state}")
        return "; ".join(parts) or "—"

    @admin.action(description="Archive selected")
    def archive(self, request, queryset):
        self.message_user(request, f"{services.archive_requests(queryset)} request(s) archived.")

    @admin.action(description="Resend both emails for selected")
    def resend_emails(self, request, queryset):
        count = services.resend_notifications(queryset)
        self.message_user(request, f"{count} email(s) queued to send again.")

    @admin.action(description="Export selected to CSV")
    def export_csv(self, request, queryset):
        return self._csv_response(queryset)

    def export_filtered_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # Same as the list itself does with a filter it cannot apply.
            return HttpResponseRedirect(reverse("admin:exercises_consultationrequest_changelist") + "?e=1")
        return self._csv_response(changelist.get_queryset(request))

    def _csv_response(self, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="consultation-requests-{stamp}.csv"'
        write_requests_csv(queryset.select_related("source_comparison"), response)
        return response


@admin.register(NotificationRecipient)
class NotificationRecipientAdmin(admin.ModelAdmin):
    list_display = ("email", "name", "active")
    list_editable = ("active",)
    search_fields = ("email", "name")


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    """Read-only: rate-limit windows and the daily spam tally."""

    list_display = ("key", "window_start", "hits")
    list_filter = ("window_start",)
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
