"""Two-step login devices: each staff member manages only their own; a superuser sees others' but never their keys."""

import logging

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.test_site_admin_login import PASSWORD, code_for, log_in

DEVICES = "/admin/otp_totp/totpdevice/"


def device_url(device_or_pk, view: str = "change") -> str:
    return f"{DEVICES}{getattr(device_or_pk, 'pk', device_or_pk)}/{view}/"


@pytest.fixture
def coach(db):
    """Staff with django-otp's permissions, as the README has them set up their own authenticator app."""
    user = User.objects.create_user("coach", "coach@example.com", PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="otp_totp"))
    return user


@pytest.fixture
def dana(db):
    user = User.objects.create_user("dana", "dana@example.com", PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="otp_totp"))
    return user


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.fixture
def danas_device(dana):
    return TOTPDevice.objects.create(user=dana, name="Dana's phone", confirmed=True)


def signed_in(user) -> Client:
    """A session for a user without a confirmed device of their own (a password is enough for them)."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_staff_list_only_their_own_devices(coach, danas_device):
    TOTPDevice.objects.create(user=coach, name="Coach's phone", confirmed=False)

    page = signed_in(coach).get(DEVICES).content.decode()

    assert "Coach&#x27;s phone" in page
    assert "Dana" not in page


@pytest.mark.django_db
def test_staff_can_neither_read_nor_remove_another_users_device(coach, danas_device):
    client = signed_in(coach)

    change = client.get(device_url(danas_device))
    assert change.status_code == 302  # "doesn't exist", as for any object outside what they may see
    assert danas_device.key not in change.content.decode()
    assert client.get(device_url(danas_device, "config")).status_code == 404
    assert client.get(device_url(danas_device, "qrcode")).status_code == 404
    assert client.get(device_url(danas_device, "history")).status_code == 302
    client.post(device_url(danas_device, "delete"), {"post": "yes"})
    client.post(DEVICES, {"action": "delete_selected", "_selected_action": [danas_device.pk], "post": "yes"})
    change_user = {"user": coach.pk, "name": "Mine now", "key": danas_device.key, "step": 30, "t0": 0, "digits": 6}
    client.post(device_url(danas_device), {**change_user, "tolerance": 1, "drift": 0})

    danas_device.refresh_from_db()
    assert (danas_device.user, danas_device.name) == (User.objects.get(username="dana"), "Dana's phone")
    assert mail.outbox == []


@pytest.mark.django_db
def test_staff_add_a_device_for_themselves_only(coach, dana):
    client = signed_in(coach)
    form = {"name": "Phone", "key": "3132333435363738393031323334353637383930", "step": 30, "t0": 0, "digits": 6}
    form |= {"tolerance": 1, "drift": 0, "throttling_failure_count": 0}

    refused = client.post(f"{DEVICES}add/", {**form, "user": dana.pk})
    assert refused.status_code == 200  # the form again, with the error
    assert not TOTPDevice.objects.filter(user=dana).exists()

    assert client.post(f"{DEVICES}add/", {**form, "user": coach.pk}).status_code == 302
    device = TOTPDevice.objects.get(user=coach)
    assert client.get(device_url(device, "config")).status_code == 200
    assert "<svg" in client.get(device_url(device, "qrcode")).content.decode()
    assert device.key in client.get(device_url(device)).content.decode()  # their own key, to set up their app


@pytest.mark.django_db
def test_a_superuser_sees_every_device_but_never_anothers_key(boss, danas_device):
    client = signed_in(boss)

    assert "Dana&#x27;s phone" in client.get(DEVICES).content.decode()
    change = client.get(device_url(danas_device))
    assert change.status_code == 200
    assert danas_device.key not in change.content.decode()
    assert device_url(danas_device, "config") not in change.content.decode()
    assert client.get(device_url(danas_device, "config")).status_code == 403
    assert client.get(device_url(danas_device, "qrcode")).status_code == 403


@pytest.mark.django_db
def test_removing_someone_elses_device_is_logged_and_announced_to_them(
    boss, dana, danas_device, caplog, django_capture_on_commit_callbacks
):
    client = signed_in(boss)

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        assert client.post(device_url(danas_device, "delete"), {"post": "yes"}).status_code == 302

    assert not TOTPDevice.objects.filter(user=dana).exists()
    assert "device removed by another user" in caplog.text and "owner=dana by=boss" in caplog.text
    [message] = mail.outbox
    assert message.to == ["dana@example.com"]
    assert 'boss removed the authenticator app "Dana\'s phone"' in message.body

    # In bulk too, and removing one's own device tells nobody.
    mail.outbox.clear()
    again = TOTPDevice.objects.create(user=dana, name="Dana's tablet", confirmed=True)
    own = TOTPDevice.objects.create(user=boss, name="Boss's phone", confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DEVICES, {"action": "delete_selected", "_selected_action": [again.pk, own.pk], "post": "yes"})
    assert not TOTPDevice.objects.exists()
    assert [message.to for message in mail.outbox] == [["dana@example.com"]]


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_a_device_that_does_not_exist_is_a_404_not_a_500(coach, boss, view):
    assert signed_in(coach).get(device_url(99999, view)).status_code == 404
    assert signed_in(boss).get(device_url(99999, view)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("forged", ["auth.user/1", "otp_totp.totpdevice/DANA", "no.such/1", "nonsense"])
def test_a_forged_device_choice_at_login_is_a_form_error(coach, dana, danas_device, forged):
    mine = TOTPDevice.objects.create(user=coach, name="Phone", confirmed=True)
    client = Client(raise_request_exception=False)
    forged = forged.replace("DANA", str(danas_device.pk))
    data = {"username": "coach", "password": PASSWORD, "otp_device": forged, "otp_token": code_for(mine)}

    response = client.post("/admin/login/?next=/admin/", {**data, "next": "/admin/"}, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200
    assert "Choose one of your own authenticator apps." in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # Their own device, chosen or not, still lets them in.
    assert log_in("coach", PASSWORD, code=code_for(mine))[1].status_code == 302
