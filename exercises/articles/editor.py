"""The editor screen every publishable item shares: Save draft / Publish, the publish check run with the inlines
saved (and undone when it fails), history, and old slugs kept as redirects."""

from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from ..writing.admin import MARKDOWN_EDITOR, HistoryAdmin
from ..writing.models import Status
from . import selectors, services

SEARCH_AND_SHARING = ("Search and sharing", {"fields": ("meta_title", "meta_description")})
BYLINE = ("Byline", {"fields": (("author", "reviewer"), ("reviewed_on", "next_review_due"))})


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
