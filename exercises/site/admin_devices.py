"""Two-step login devices in the admin: each staff member manages only their own authenticator app.

django-otp's own admin lets anyone with its permissions (which the README has staff use for their own device)
list, read and delete every user's device. This replaces it: staff see only theirs, a superuser sees everyone's
but never another's key or QR code (OTP_ADMIN_HIDE_SENSITIVE_DATA), and removing someone else's device is logged
and announced to them by email.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django_otp.plugins.otp_totp import admin as totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

logger = logging.getLogger(__name__)


def announce_device_removed(*, device: TOTPDevice, by) -> None:
    """Tells the device's owner, who would otherwise find out only when their login stops asking for a code."""
    logger.warning(
        "two-step login device removed by another user device=%s owner=%s by=%s",
        device.persistent_id,
        device.user.get_username(),
        by.get_username(),
    )
    address = device.user.email
    if not address:
        logger.warning("no email address to tell %s their device was removed", device.user.get_username())
        return
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
    body = (
        f'{by.get_username()} removed the authenticator app "{device.name}" from your staff account at '
        f"{settings.SITE_URL}/admin/ on {when}.\n\n"
        "Your login no longer asks for a code from it. If you did not ask for this, tell the gym's admin, then "
        "set up your app again under Two-step login: authenticator apps.\n"
    )
    # After the commit: a removal that rolls back tells nobody. An unreachable mail server is logged, and the
    # removal stands.
    transaction.on_commit(
        lambda: send_mail(f"Two-step login removed from your {settings.GYM_NAME} account", body, None, [address]),
        robust=True,
    )


# django-otp registers its admin when the admin looks for admin modules; this module is imported after that.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class OwnTOTPDeviceAdmin(totp_admin.TOTPDeviceAdmin):
    # Where the admin home and sidebar list it, in the owner's words (exercises/site/admin_site.py).
    task_group, task_name = "settings", "Two-step login apps"

    def get_queryset(self, request):
        devices = super().get_queryset(request)
        return devices if request.user.is_superuser else devices.filter(user=request.user)

    def is_own_or_superuser(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.is_own_or_superuser(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.is_own_or_superuser(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.is_own_or_superuser(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            # Staff add a device for themselves only: a device on someone else's account would let its maker
            # pass that account's second step, or lock its owner out.
            kwargs["queryset"] = get_user_model()._default_manager.filter(pk=request.user.pk)
            kwargs["initial"] = request.user.pk
            kwargs["widget"] = forms.Select
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_display(self, request):
        list_display = super().get_list_display(request)
        # Staff list only their own devices, so each row may link to its QR code; a superuser's list holds others'.
        return list_display if request.user.is_superuser else [*list_display, "qrcode_link"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.user_id != request.user.pk:
            return fieldsets  # django-otp hides another user's key (OTP_ADMIN_HIDE_SENSITIVE_DATA)
        # Their own: the key and QR code they need to set up their app.
        shown = [
            (name, {**options, "fields": ["key", *options["fields"]]}) if name == "Configuration" else (name, options)
            for name, options in fieldsets
        ]
        return [*shown, (None, {"fields": ["qrcode_link"]})]

    def own_device(self, request, pk) -> TOTPDevice:
        """A device the user may see (404 otherwise); its key only if it is theirs (403 otherwise)."""
        device = get_object_or_404(self.get_queryset(request), pk=pk)
        if device.user_id != request.user.pk or not self.has_view_or_change_permission(request, device):
            raise PermissionDenied
        return device

    def config_view(self, request, pk):
        device = self.own_device(request, pk)
        context = {**self.admin_site.each_context(request), "device": device}
        return TemplateResponse(request, "otp_totp/admin/config.html", context)

    def qrcode_view(self, request, pk):
        device = self.own_device(request, pk)
        response = HttpResponse(content_type="image/svg+xml")
        write_qrcode_image(device.config_url, response)
        return response

    # Announced before the delete (which forgets the device's id) and in one transaction with it, so the email,
    # sent on commit, goes only once the device is gone.
    def delete_model(self, request, obj):
        with transaction.atomic():
            if obj.user_id != request.user.pk:
                announce_device_removed(device=obj, by=request.user)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for device in queryset.select_related("user").exclude(user=request.user):
                announce_device_removed(device=device, by=request.user)
            super().delete_queryset(request, queryset)
