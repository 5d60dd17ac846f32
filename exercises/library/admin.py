"""The exercise library in the admin: muscles with their areas of the body map, and the exercise's parts that
its editor (articles/admin.py, where publishing is checked against the comparisons that show it) edits in place."""

from adminsortable2.admin import SortableAdminMixin
from django.contrib import admin

from ..writing.admin import HistoryAdmin, PositionedTabularInline
from .models import ClientQuote, ExerciseMuscle, ExercisePoint, Muscle, MuscleRegion, ProgrammingScheme


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


class MuscleRegionInline(admin.TabularInline):
    model = MuscleRegion
    extra = 0
    verbose_name = "area of the body map this muscle lights up"
    verbose_name_plural = "areas of the body map this muscle lights up"


@admin.register(Muscle)
class MuscleAdmin(SortableAdminMixin, HistoryAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "write", "Muscles"
    inlines = [MuscleRegionInline]
    list_display = ("name", "latin_name")
    search_fields = ("name", "latin_name")
