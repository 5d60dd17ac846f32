"""The gym in the admin: its one profile with opening hours, and the coaches with their credentials."""

from adminsortable2.admin import SortableAdminMixin
from django.contrib import admin
from django.db import models

from ..writing.admin import MARKDOWN_EDITOR, HistoryAdmin, PositionedTabularInline
from .models import Coach, Credential, GymProfile, OpeningHours


class CredentialInline(PositionedTabularInline):
    model = Credential
    fields = ("name", "issued_by")


@admin.register(Coach)
class CoachAdmin(SortableAdminMixin, HistoryAdmin):
    """Coaches write and review articles; the byline and their page show only published ones."""

    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "write", "Coaches"

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


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(GymProfile)
class GymProfileAdmin(HistoryAdmin):
    """One record: the footer of every page, the visit page and what search engines know of the gym."""

    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "gym", "Profile, opening hours and privacy page"

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
                    "default_byline",
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
