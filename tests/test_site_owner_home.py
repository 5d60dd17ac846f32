"""The admin home as the owner's desk: who to call back now (oldest first, over the target highlighted), this
week's figures, what to write or review, and every screen grouped by task in the owner's words."""

import datetime
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import RequestFactory
from django.utils import timezone

from exercises.leads import selectors
from exercises.leads.models import ConsultationRequest, ContactMethod, RequestStatus
from tests.test_leads_inbox import COMPARISON_PATH, new_lead

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


def groups(user) -> list[tuple[str, list[str]]]:
    request = RequestFactory().get("/admin/")
    request.user = user
    return [(app["name"], [model["name"] for model in app["models"]]) for app in admin.site.get_app_list(request)]


# --- Grouped by task ------------------------------------------------------------------------------------


def test_the_screens_are_grouped_by_task_in_the_owners_words(admin_user):
    listed = dict(groups(admin_user))

    assert list(listed) == ["Write", "Leads", "The gym", "Settings"]
    assert listed["Write"] == [
        "Comparisons (articles)",
        "Coaches",
        "Exercises",
        "FAQs",
        "Muscles",
        "Photos",
        "References (studies)",
    ]
    assert listed["Leads"] == ["Inbox: consultation requests", "What the articles bring", "Who gets the alert emails"]
    assert listed["The gym"] == ["Profile, opening hours and privacy page"]
    assert set(listed["Settings"]) == {
        "Staff accounts",
        "Staff groups (permissions)",
        "Login attempts: locked out",
        "Login attempts: wrong passwords",
        "Login attempts: log",
        "Two-step login apps",
        "Spam and rate-limit counts",
        "Old addresses (redirects)",
    }


def test_a_coach_who_only_works_the_inbox_sees_only_the_leads(client):
    coach = User.objects.create_user("coach", "coach@example.com", "pw", is_staff=True)
    coach.user_permissions.set(Permission.objects.filter(codename__endswith="consultationrequest"))
    assert groups(coach) == [("Leads", ["Inbox: consultation requests"])]

    client.force_login(coach)
    page = client.get("/admin/").content.decode()
    assert "New comparison" not in page  # no right to add one
    assert '<span class="section">Leads</span>' in page


def test_the_home_and_the_sidebar_show_the_groups_and_an_apps_own_page_still_works(admin_client):
    home = admin_client.get("/admin/").content.decode()
    for name in ("Write", "Leads", "The gym", "Settings"):
        assert f'<span class="section">{name}</span>' in home
    assert "Exercise comparisons" not in home and "Authentication and Authorization" not in home
    assert "{#" not in home and "{%" not in home

    inbox = admin_client.get("/admin/exercises/consultationrequest/").content.decode()
    assert 'id="nav-sidebar"' in inbox and '<span class="section">Write</span>' in inbox
    assert 'aria-current="page">Inbox: consultation requests</a>' in inbox

    assert admin_client.get("/admin/exercises/").status_code == 200
    assert admin_client.get("/admin/auth/").status_code == 200


# --- Call back now --------------------------------------------------------------------------------------


def test_call_back_now_lists_new_requests_oldest_first_with_what_the_owner_needs(admin_client, content):
    new_lead(name="Just Now", email="now@example.com", age=timedelta(minutes=5))
    new_lead(
        name="Waited Long",
        email="long@example.com",
        phone="(512) 555-0134",
        preferred_contact=ContactMethod.PHONE,
        source_path=COMPARISON_PATH,
        age=timedelta(hours=3),
    )
    new_lead(name="Already Booked", email="booked@example.com", status=RequestStatus.BOOKED)
    archived = new_lead(name="Archived Lead", email="archived@example.com")
    ConsultationRequest.objects.filter(pk=archived.pk).update(archived=True)

    page = admin_client.get("/admin/").content.decode()
    section = page[page.index("Call back now") : page.index("This week")]

    assert section.index("Waited Long") < section.index("Just Now")
    assert "Already Booked" not in section and "Archived Lead" not in section
    assert '<a href="tel:5125550134">(512) 555-0134</a>' in section
    assert '<a href="mailto:long@example.com">long@example.com</a>' in section
    assert "Glutes · from Leg Press vs Hip Thrust" in section
    assert "waiting 3\xa0hours" in section
    assert "2 new requests, oldest first. <strong>1 waited longer than the 1\xa0hour target.</strong>" in section
    assert len(re.findall(r'<li class="overdue">', section)) == 1
    assert section.count("over target</strong>") == 1


def test_the_target_is_a_setting(admin_client, settings):
    settings.LEAD_TARGET_MINUTES = 2
    new_lead(name="Five Minutes", email="five@example.com", age=timedelta(minutes=5))

    page = admin_client.get("/admin/").content.decode()

    assert "1 waited longer than the 2\xa0minutes target." in page
    assert '<li class="overdue">' in page


def test_nobody_waiting_says_so(admin_client):
    assert "Nobody is waiting: every request has had an answer." in admin_client.get("/admin/").content.decode()


def test_hostile_names_and_addresses_are_escaped_on_the_desk(admin_client):
    lead = new_lead(name="Eve", email="eve@example.com")
    ConsultationRequest.objects.filter(pk=lead.pk).update(
        name="<script>alert(1)</script>", email='"><img src=x onerror=alert(1)>@example.com', phone='1"><b>2'
    )
    page = admin_client.get("/admin/").content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>2" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- This week ------------------------------------------------------------------------------------------


def at(day: int, hour: int) -> datetime.datetime:
    """A time in the gym's zone in the week of Monday 7 December 2026."""
    return datetime.datetime(2026, 12, day, hour, tzinfo=CHICAGO)


def lead_at(created, *, status=RequestStatus.NEW, contacted=None, name="Lead"):
    lead = new_lead(name=name, email=f"{name.lower().replace(' ', '')}@example.com")
    ConsultationRequest.objects.filter(pk=lead.pk).update(
        created_at=created, status=status, first_contacted_at=contacted
    )


def test_this_week_counts_requests_answers_the_median_wait_booked_and_won():
    now = at(10, 12)  # Thursday noon
    lead_at(at(6, 23), status=RequestStatus.WON, contacted=at(7, 9), name="Last Week")  # Sunday: not this week
    lead_at(at(7, 0), status=RequestStatus.CONTACTED, contacted=at(7, 1), name="Monday")  # 1 h
    lead_at(at(8, 9), status=RequestStatus.BOOKED, contacted=at(8, 12), name="Tuesday")  # 3 h
    lead_at(at(9, 9), status=RequestStatus.WON, contacted=at(9, 19), name="Wednesday")  # 10 h
    lead_at(at(10, 8), name="Thursday")  # still new
    lead_at(at(10, 9), status=RequestStatus.SPAM, name="Spam Bot")  # left out

    week = selectors.this_week(now=now)

    assert week.since == at(7, 0)
    assert (week.requests, week.answered, week.booked, week.won) == (4, 3, 2, 1)
    assert week.median_answer == timedelta(hours=3)


def test_a_week_with_no_answer_has_no_median(admin_client):
    week = selectors.this_week(now=timezone.now())
    assert week.median_answer is None
    assert "Median time to first contact</dt><dd>—</dd>" in admin_client.get("/admin/").content.decode()


def test_call_back_now_leaves_out_erased_requests_and_counts_beyond_the_list():
    for number, minutes in enumerate((0, 30, 120)):
        new_lead(name=f"Lead {number}", email=f"lead{number}@example.com", age=timedelta(minutes=minutes))
    erased = new_lead(name="Erased", email="erased@example.com")
    ConsultationRequest.objects.filter(pk=erased.pk).update(erased_at=timezone.now(), name="", email="")

    desk = selectors.callback_desk(limit=2)

    assert [lead.name for lead in desk.waiting] == ["Lead 2", "Lead 1"]
    assert desk.waiting_total == 3 and desk.overdue_total == 1  # 2 h is over the hour; 30 minutes is not


# --- Write and review -----------------------------------------------------------------------------------


def test_write_and_review_has_a_new_comparison_button(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert '<a class="button desk-button" href="/admin/exercises/comparison/add/">New comparison</a>' in page
    assert "No drafts, nothing scheduled, no review due." in page
