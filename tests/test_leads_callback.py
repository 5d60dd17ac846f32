"""An inbox built for calling back: tap-to-call, text and mail on a lead's page, a one-click "Mark contacted",
and a public form that asks for the phone, next to the field, as soon as a call or a text is chosen."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from exercises.leads import services
from exercises.leads.forms import ConsultationForm
from exercises.leads.models import ConsultationRequest, ContactMethod, RequestStatus
from tests.conftest import valid_consultation
from tests.test_leads_inbox import CHANGELIST, change_url, new_lead

pytestmark = pytest.mark.django_db


def contacted_url(lead):
    return reverse("admin:exercises_consultationrequest_contacted", args=[lead.pk])


@pytest.fixture
def ana():
    return new_lead(
        name="Ana Ruiz", email="ana@example.com", phone="+1 (512) 555-0134", preferred_contact=ContactMethod.TEXT
    )


# --- The lead's page ------------------------------------------------------------------------------------


def test_a_leads_page_calls_texts_and_mails_with_one_tap(admin_client, ana):
    page = admin_client.get(change_url(ana)).content.decode()

    assert '<a href="tel:+15125550134">+1 (512) 555-0134</a>' in page
    assert '<a href="sms:+15125550134">Text</a>' in page
    assert '<a href="mailto:ana@example.com">ana@example.com</a>' in page


def test_a_lead_with_no_phone_shows_a_dash_and_no_empty_link(admin_client):
    lead = new_lead(name="Ben Ortiz", email="ben@example.org")
    page = admin_client.get(change_url(lead)).content.decode()
    assert 'href="tel:"' not in page and 'href="sms:"' not in page


def test_hostile_contact_values_that_reach_the_database_are_escaped_in_links(admin_client, ana):
    ConsultationRequest.objects.filter(pk=ana.pk).update(
        email='x"><script>alert(1)</script>@example.com', phone='512"><b>555</b>'
    )
    for url in (change_url(ana), CHANGELIST):
        page = admin_client.get(url).content.decode()
        assert "<script>alert(1)" not in page and "<b>555</b>" not in page
    assert 'href="tel:512555"' in admin_client.get(change_url(ana)).content.decode()


def test_the_list_shows_email_and_phone_together_as_links(admin_client, ana):
    page = admin_client.get(CHANGELIST).content.decode()
    assert 'class="field-contact"><a href="mailto:ana@example.com">ana@example.com</a><br>' in page
    assert '<a href="tel:+15125550134">+1 (512) 555-0134</a>' in page


# --- Mark contacted ------------------------------------------------------------------------------------


def test_mark_contacted_sets_the_first_contact_in_one_click(admin_client, admin_user, ana):
    page = admin_client.get(change_url(ana)).content.decode()
    assert f'action="{contacted_url(ana)}"' in page and ">Mark contacted</button>" in page

    response = admin_client.post(contacted_url(ana), follow=True)

    assert response.redirect_chain[-1][0] == change_url(ana)
    ana.refresh_from_db()
    assert ana.status == RequestStatus.CONTACTED
    assert ana.first_contacted_at is not None
    assert "marked contacted" in response.content.decode()
    assert ">Mark contacted</button>" not in response.content.decode()  # done: the button goes
    assert LogEntry.objects.filter(object_id=str(ana.pk), change_message="Marked contacted.").count() == 1


def test_a_second_click_keeps_the_first_contact_and_the_status_staff_set_since(admin_client, ana):
    admin_client.post(contacted_url(ana))
    ana.refresh_from_db()
    first = ana.first_contacted_at
    ConsultationRequest.objects.filter(pk=ana.pk).update(status=RequestStatus.BOOKED)

    response = admin_client.post(contacted_url(ana), follow=True)

    ana.refresh_from_db()
    assert (ana.first_contacted_at, ana.status) == (first, RequestStatus.BOOKED)
    assert "already been contacted" in response.content.decode()


def test_a_lead_moved_on_before_times_were_kept_gets_its_time_and_keeps_its_status(ana):
    ConsultationRequest.objects.filter(pk=ana.pk).update(status=RequestStatus.WON)
    assert services.mark_contacted(request=ana) is True
    assert ana.status == RequestStatus.WON and ana.first_contacted_at is not None


def test_mark_contacted_is_a_post_and_needs_the_right_to_change(client, admin_client, ana):
    assert admin_client.get(contacted_url(ana)).status_code == 405
    assert admin_client.post(reverse("admin:exercises_consultationrequest_contacted", args=[99999])).status_code == 404

    viewer = User.objects.create_user("viewer", "viewer@example.com", "pw", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_consultationrequest"))
    client.force_login(viewer)
    assert ">Mark contacted</button>" not in client.get(change_url(ana)).content.decode()
    assert client.post(contacted_url(ana)).status_code == 403
    ana.refresh_from_db()
    assert ana.first_contacted_at is None


def test_anonymous_visitors_cannot_mark_contacted(client, ana):
    response = client.post(contacted_url(ana))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    ana.refresh_from_db()
    assert ana.first_contacted_at is None


def test_the_answer_time_counts_from_arrival_to_the_click(admin_client):
    lead = new_lead(name="Cleo Park", email="cleo@example.net", age=timedelta(hours=2))
    admin_client.post(contacted_url(lead))
    assert "2\xa0hours" in admin_client.get(change_url(lead)).content.decode()


# --- The public form ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [ContactMethod.PHONE, ContactMethod.TEXT])
def test_a_call_or_text_without_a_phone_is_refused_next_to_the_field_with_everything_kept(client, method):
    data = valid_consultation(preferred_contact=method, phone="", calls_texts_consent="on", message="Bad knee.")

    response = client.post("/consultation/", data, HTTP_SEC_FETCH_SITE="same-origin")

    page = response.content.decode()
    assert response.status_code == 400
    assert '<span class="error-text" id="id_phone_error">' in page
    assert "Enter a phone number so we can call or text you, or choose email." in page
    assert '<label for="id_phone">Phone number<span class="optional" hidden> (optional)</span></label>' in page
    assert 'value="Maria Lopez"' in page and "Bad knee." in page and f'value="{method}"' in page
    assert " required" in re.search(r'<input[^>]*id="id_phone"[^>]*>', page).group(0)
    assert not ConsultationRequest.objects.exists()


def test_with_email_chosen_the_phone_stays_optional(client):
    page = client.get("/consultation/").content.decode()
    assert "{#" not in page and "#}" not in page
    assert '<label for="id_phone">Phone number<span class="optional"> (optional)</span></label>' in page

    form = ConsultationForm(valid_consultation())
    assert form.is_valid(), form.errors
    assert not form.fields["phone"].required


def test_a_bad_phone_gets_its_own_message_not_the_missing_one():
    form = ConsultationForm(valid_consultation(preferred_contact="phone", phone="call me", calls_texts_consent="on"))
    assert form.errors["phone"] == ["Enter a phone number with at least 7 digits, like 512-555-0134."]
