"""Production settings: hardened by default, driven by the environment."""

import os
import secrets
import subprocess
import sys

from tests.conftest import PROJECT_DIR

# No .env either: what a developer keeps there must not change what these prove.
CLEAN_ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "DJANGO_ENV_FILE": os.devnull}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )


def test_deploy_check_passes_with_the_defaults_and_a_real_secret_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = manage("check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_come_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE,"
        " s.DATABASES['default']['ENGINE'], s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.ADMINS)"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_ALLOWED_HOSTS="gym.example.com",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DATABASE_URL="postgres://u:p@db.example.com:5432/gym",
        DJANGO_EMAIL_URL="submission://user:pw@smtp.example.com:587",
        DJANGO_ADMINS="Ana <ana@example.com>",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "False ['gym.example.com'] False False django.db.backends.postgresql smtp.example.com 587 True "
        "[('Ana', 'ana@example.com')]"
    )


def test_without_a_mail_server_emails_are_printed():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", DJANGO_SECRET_KEY="k" * 50
    )

    assert result.stdout.strip().endswith("console.EmailBackend")


def test_every_command_reads_the_env_file_and_the_real_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\nDJANGO_ALLOWED_HOSTS=from-the-file.example\n"
        "SITE_URL=https://from-the-file.example\n"
    )
    code = "from django.conf import settings as s; print(s.ALLOWED_HOSTS, s.SITE_URL)"

    result = manage("shell", "-c", code, DJANGO_ENV_FILE=str(env_file), SITE_URL="https://from-the-environment.example")

    assert result.returncode == 0, result.stderr
    assert "['from-the-file.example'] https://from-the-environment.example" in result.stdout


def test_photos_go_to_an_s3_bucket_when_one_is_named_and_its_host_may_serve_images():
    code = (
        "from django.conf import settings as s; d = s.STORAGES['default'];"
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['custom_domain'],"
        " d['OPTIONS']['object_parameters']['CacheControl'], s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1])"
    )
    result = manage(
        "shell",
        "-c",
        code,
        DJANGO_SECRET_KEY="k" * 50,
        DJANGO_MEDIA_S3_BUCKET="gym-photos",
        DJANGO_MEDIA_S3_DOMAIN="media.gym.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        "storages.backends.s3.S3Storage gym-photos media.gym.example.com public, max-age=31536000, immutable "
        "https://media.gym.example.com"
    )
