"""The consultation inbox: requests, their emails, alert recipients and counters."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from . import privacy, reports, services
from .attribution import UTM_FIELDS
from .exports import write_requests_csv
from .models import (
    ArticleReads,
    ConsultationRequest,
    Counter,
    Notification,
    NotificationKind,
    NotificationRecipient,
    NotificationStatus,
    RequestStatus,
)


def dialable(phone: str) -> str:
    """What a phone dials: the digits and a leading plus, nothing a visitor typed around them."""
    return "".join(c for c in phone if c.isdigit() or c == "+")


def email_link(email: str) -> str:
    return format_html('<a href="mailto:{}">{}</a>', email, email) if email else ""


def phone_link(phone: str) -> str:
    return format_html('<a href="tel:{}">{}</a>', dialable(phone), phone) if phone else ""


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


class ArchivedFilter(admin.SimpleListFilter):
    """The inbox shows what still needs work: archived leads only when asked for."""

    title = "archived"
    parameter_name = "archived__exact"

    def lookups(self, request, model_admin):
        return [("0", "Not archived"), ("1", "Archived"), ("all", "All")]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "0") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or "0"
        return queryset if value == "all" else queryset.filter(archived=value == "1")


class CampaignFilter(admin.AllValuesFieldListFilter):
    """Campaign source, campaign and referring site: each value stored is a choice (blank ones are not).

    Visitors choose these values, so the list is capped: the search box finds the rest."""

    MOST = 40

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = field.verbose_name
        self.lookup_choices = [value for value in self.lookup_choices if value][: self.MOST]


class InboxRowForm(forms.ModelForm):
    """A row's status box, named after its lead for screen readers (the list's column heading is not its label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["aria-label"] = f"Status of {self.instance.name or 'this request'}"


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name, task_rank = "leads", "Inbox: consultation requests", 0
    # Seven columns that fit 1280 px beside the sidebar and the filters: email and phone share one.
    list_display = ("name", "contact", "goal", "source", "age", "status", "notification_state")
    list_display_links = ("name",)
    # Changed in place from the list: a call made, a lead booked.
    list_editable = ("status",)
    list_filter = (
        "status",
        "goal",
        "source_comparison",
        ("utm_source", CampaignFilter),
        ("utm_campaign", CampaignFilter),
        ("referrer_host", CampaignFilter),
        "created_at",
        ArchivedFilter,
        "preferred_contact",
    )
    search_fields = ("name", "email", "phone", "utm_source", "utm_campaign", "referrer_host")
    date_hierarchy = "created_at"
    list_per_page = 50
    change_list_template = "admin/exercises/consultationrequest/change_list.html"
    change_form_template = "admin/exercises/consultationrequest/change_form.html"

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=InboxRowForm, **kwargs)

    consent_fields = (
        "consent",
        "consent_text",
        "consent_version",
        "consented_at",
        "calls_texts_consent",
        "calls_texts_consent_text",
    )
    origin_fields = (
        "source_path",
        "source_comparison",
        "landing_path",
        "referrer_host",
        "article_path",
        "article",
        *UTM_FIELDS,
        "ip_address",
        "user_agent",
    )
    # What the visitor wrote is theirs: staff add notes and a status, never rewrite it.
    # Email and phone are links here (mailto:, tel:, sms:), shown read-only like the rest.
    visitor_fields = (
        "name",
        "email_contact",
        "phone_contact",
        "goal",
        "preferred_contact",
        "best_time",
        "message",
        "created_at",
    )
    readonly_fields = (
        *visitor_fields,
        "first_contacted_at",
        "answer_time",
        "erased_at",
        "erased_by",
        *consent_fields,
        *origin_fields,
    )
    fieldsets = (
        ("Inbox", {"fields": ("status", "archived", "staff_notes", "first_contacted_at", "answer_time")}),
        ("Request, as the visitor sent it", {"fields": visitor_fields}),
        ("Consent (as the visitor gave it)", {"fields": consent_fields}),
        ("Where it came from", {"fields": origin_fields}),
        ("Erasure", {"fields": ("erased_at", "erased_by")}),
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
        "erase_personal_data",
    )

    def get_queryset(self, request):
        leads = super().get_queryset(request).select_related("source_comparison", "article")
        return leads.prefetch_related("notifications")

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
            path(
                "<int:object_id>/contacted/",
                self.admin_site.admin_view(self.mark_contacted_view),
                name="exercises_consultationrequest_contacted",
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        # Who erased what is shown once it happened; before that it is two empty rows.
        return [fieldset for fieldset in self.fieldsets if fieldset[0] != "Erasure" or (obj and obj.erased_at)]

    def save_model(self, request, obj, form, change):
        services.note_first_contact(obj)
        super().save_model(request, obj, form, change)

    @admin.display(description="contact")
    def contact(self, obj):
        """Email and phone in one cell, each a link to tap: the column that lets the inbox fit 1280 px."""
        email, phone = email_link(obj.email), phone_link(obj.phone)
        if email and phone:
            return format_html("{}<br>{}", email, phone)
        return email or phone or "—"

    @admin.display(description="email")
    def email_contact(self, obj):
        return email_link(obj.email) or "—"

    @admin.display(description="phone")
    def phone_contact(self, obj):
        if not obj.phone:
            return "—"
        return format_html('{} · <a href="sms:{}">Text</a>', phone_link(obj.phone), dialable(obj.phone))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_mark_contacted"] = (
            obj is not None and obj.first_contacted_at is None and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def mark_contacted_view(self, request, object_id):
        """The change page's one-click "Mark contacted": a POST, answered with the lead's page again."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        lead = self.get_object(request, str(object_id))
        if lead is None:
            raise Http404
        if not self.has_change_permission(request, lead):
            raise PermissionDenied
        if services.mark_contacted(request=lead):
            self.log_change(request, lead, "Marked contacted.")
            self.message_user(request, f"{lead} marked contacted; first contact kept as now.", messages.SUCCESS)
        else:
            self.message_user(request, "This request had already been contacted: nothing changed.", messages.INFO)
        return HttpResponseRedirect(reverse("admin:exercises_consultationrequest_change", args=[lead.pk]))

    @admin.display(description="answered in")
    def answer_time(self, obj):
        if obj.first_contacted_at is None:
            return "not yet" if obj.status == RequestStatus.NEW else "not recorded (contacted before times were kept)"
        return timesince(obj.created_at, obj.first_contacted_at, depth=2)

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
            elif notification.status == NotificationStatus.FAILED:
                state = ": ".join(filter(None, ["cannot be sent", notification.last_error[:80]]))
            parts.append(f"{label}: {state}")
        return "; ".join(parts) or "—"

    @admin.action(description="Archive selected")
    def archive(self, request, queryset):
        self.message_user(request, f"{services.archive_requests(queryset)} request(s) archived.")

    @admin.action(description="Resend both emails for selected")
    def resend_emails(self, request, queryset):
        count = services.resend_notifications(queryset)
        self.message_user(request, f"{count} email(s) queued to send again.")

    @admin.action(description="Erase personal data of selected")
    def erase_personal_data(self, request, queryset):
        """Asks first: an erased name or address cannot be brought back."""
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/exercises/consultationrequest/erase_confirmation.html",
                {**self.admin_site.each_context(request), "title": "Erase personal data?", "requests": queryset},
            )
        erased = privacy.erase_personal_data(queryset, by=request.user.get_username())
        for lead in erased:
            self.log_change(
                request, lead, "Erased personal data (name, email, phone, message, IP, browser, notes, first touch)."
            )
        self.message_user(request, f"Personal data of {len(erased)} request(s) erased.")

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
        write_requests_csv(queryset.select_related("source_comparison", "article"), response)
        return response


@admin.register(NotificationRecipient)
class NotificationRecipientAdmin(admin.ModelAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "leads", "Who gets the alert emails"
    list_display = ("email", "name", "active")
    list_editable = ("active",)
    search_fields = ("email", "name")


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    """Read-only: rate-limit windows and the daily spam tally."""

    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "settings", "Spam and rate-limit counts"

    list_display = ("key", "window_start", "hits")
    list_filter = ("window_start",)
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ArticleReads)
class ArticleReadsAdmin(admin.ModelAdmin):
    """Not a list to edit: the report of what the articles bring (leads/reports.py), with its CSV."""

    task_group, task_name, task_rank = "leads", "What the articles bring", 5

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("report.csv", self.admin_site.admin_view(self.report_csv_view), name="exercises_articlereads_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = reports.article_report()
        context = {
            **self.admin_site.each_context(request),
            "title": "What the articles bring",
            "opts": self.model._meta,
            "report": report,
            "chart": reports.chart_svg(report),
        }
        return TemplateResponse(request, "admin/exercises/articlereads/report.html", context)

    def report_csv_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="what-the-articles-bring-{stamp}.csv"'
        reports.write_report_csv(reports.article_report(), response)
        return response
