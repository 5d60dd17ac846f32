import threading

from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django_otp.plugins.otp_totp import apps as totp_apps


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site's own front door (exercises/site/admin_site.py)."""

    default = False
    default_site = "exercises.site.admin_site.StaffAdminSite"


class LoginAttemptsConfig(axes_apps.AppConfig):
    """django-axes, under a name staff understand on the admin home."""

    default = False
    verbose_name = "Login attempts"


class TwoStepLoginConfig(totp_apps.DefaultConfig):
    """django-otp's authenticator apps (TOTP), under a name staff understand on the admin home."""

    default = False
    verbose_name = "Two-step login: authenticator apps"


class ExercisesConfig(AppConfig):
    default = True
    name = "exercises"
    verbose_name = "Exercise comparisons"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # The site's own admin of two-step login devices, in place of django-otp's (registered by now).
        from .site import admin_devices  # noqa: F401

        # Any content write (admin, inline, shell, load_initial_data) makes the cached pages stale, so this
        # hooks the model signals rather than each caller. It renders nothing: a job does, after the commit.
        for model in self.get_models():
            if not model.__module__.startswith(f"{self.name}.leads."):
                post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
                post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")


# Whether this thread changed content since it last queued the refresh job.
unrefreshed = threading.local()


def content_changed(sender, using, **kwargs):
    from django.db import transaction

    from . import pagecache

    pagecache.mark_stale()
    unrefreshed.pages = True
    transaction.on_commit(refresh_once, using=using, robust=True)


def refresh_once():
    """An admin save touches many rows: the first of their callbacks queues the job, the rest find it queued."""
    from . import pagecache
    from .tasks import refresh_public_pages

    if getattr(unrefreshed, "pages", False):
        unrefreshed.pages = False
        # Again after the commit: a page rendered from the old rows while the transaction was open is stale.
        pagecache.mark_stale()
        refresh_public_pages()
