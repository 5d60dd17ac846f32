"""The admin's front door: failed logins are limited per account and per address; two-step login with a code."""

import logging

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-staff-password"


@pytest.fixture
def coach(db):
    return User.objects.create_user("coach", password=PASSWORD, is_staff=True, is_superuser=True)


def log_in(username: str, password: str, *, ip: str = "203.0.113.7", code: str = "", client: Client | None = None):
    client = client or Client()
    data = {"username": username, "password": password, "otp_token": code, "next": "/admin/"}
    return client, client.post(LOGIN, data, REMOTE_ADDR=ip)


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.django_db
def test_five_wrong_passwords_pause_the_account_with_a_clear_message_and_a_log_line(coach, caplog):
    for _ in range(4):
        assert log_in("coach", "wrong")[1].status_code == 200  # the form again, with its error

    with caplog.at_level(logging.WARNING):
        fifth = log_in("coach", "wrong")[1]
        _, response = log_in("coach", PASSWORD)  # even the right password now

    assert fifth.status_code == response.status_code == 429
    assert "Logins are paused" in response.content.decode()
    assert "Locking out" in caplog.text and "coach" in caplog.text and "203.0.113.7" in caplog.text


@pytest.mark.django_db
def test_the_limit_counts_per_account_across_addresses_and_per_address_across_accounts(coach):
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    for number in range(5):
        log_in("coach", "wrong", ip=f"198.51.100.{number}")
    assert log_in("coach", PASSWORD, ip="192.0.2.1")[1].status_code == 429  # the account, from a new address

    for number in range(5):
        log_in(f"guess{number}", "wrong", ip="192.0.2.99")
    assert log_in("other", PASSWORD, ip="192.0.2.99")[1].status_code == 429  # the address, for any account
    assert log_in("other", PASSWORD, ip="192.0.2.50")[1].status_code == 302  # others carry on


@pytest.mark.django_db
def test_an_admin_unlocks_an_account_with_one_command(coach):
    for _ in range(5):
        log_in("coach", "wrong")
    assert log_in("coach", PASSWORD)[1].status_code == 429

    call_command("axes_reset_username", "coach")

    assert log_in("coach", PASSWORD)[1].status_code == 302


@pytest.mark.django_db
def test_without_two_step_login_a_password_is_enough(coach):
    client, response = log_in("coach", PASSWORD)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_once_staff_turn_two_step_login_on_their_password_alone_is_not_enough(coach):
    device = TOTPDevice.objects.create(user=coach, name="Phone", confirmed=True)

    client, response = log_in("coach", PASSWORD)
    assert response.status_code == 200
    assert "Enter the 6-digit code from your authenticator app." in response.content.decode()
    assert client.get("/admin/").status_code == 302

    client, response = log_in("coach", PASSWORD, code=code_for(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_in_plain_words(coach):
    device = TOTPDevice.objects.create(user=coach, name="Phone", confirmed=True)
    wrong = "000000" if code_for(device) != "000000" else "111111"

    client, response = log_in("coach", PASSWORD, code=wrong)

    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_compulsory_two_step_login_keeps_out_staff_without_a_code(coach, settings):
    settings.ADMIN_REQUIRE_2FA = True
    unverified = Client()
    unverified.force_login(coach)
    assert unverified.get("/admin/").status_code == 302  # a password-only session is not enough either

    _, response = log_in("coach", PASSWORD, code="123456")
    assert response.status_code == 200
    assert "this account has no authenticator app yet" in response.content.decode()

    device = TOTPDevice.objects.create(user=coach, name="Phone", confirmed=True)
    client, response = log_in("coach", PASSWORD, code=code_for(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_set_up_their_authenticator_app_from_a_qr_code(coach):
    device = TOTPDevice.objects.create(user=coach, name="Phone", confirmed=False)
    client, _ = log_in("coach", PASSWORD)

    response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")

    assert response.status_code == 200
    assert "<svg" in client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").content.decode()
