"""The admin's front door: a password and, for staff who turned it on, a code from an authenticator app.

DJANGO_ADMIN_REQUIRE_2FA=true makes the code compulsory for every staff account.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm


def needs_code(user) -> bool:
    return settings.ADMIN_REQUIRE_2FA or user_has_device(user)


class StaffLoginForm(OTPAdminAuthenticationForm):
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Enter the 6-digit code from your authenticator app.",
        "invalid_token": "That code is not right, or it has expired. Enter the code your app shows now.",
    }

    def clean_otp(self, user):
        if user is not None and not needs_code(user):
            return  # two-step login is off for this account
        chosen = self.cleaned_data.get("otp_device")
        if user is not None and chosen and chosen not in {d.persistent_id for d in devices_for_user(user)}:
            # A forged choice (another user's device, or no device at all, such as "auth.user/1") is refused here:
            # django-otp would fail on a model that is not a device.
            raise forms.ValidationError("Choose one of your own authenticator apps.", code="invalid_device")
        if user is not None and not self.cleaned_data.get("otp_device"):
            device = next(devices_for_user(user), None)  # their authenticator app: nobody should have to pick it
            if device is None:
                raise forms.ValidationError(
                    "Two-step login is required here, and this account has no authenticator app yet. "
                    "Ask the gym's admin to set one up for you."
                )
            self.cleaned_data["otp_device"] = device.persistent_id
        super().clean_otp(user)


# The admin home and sidebar list what staff do, not the app a model lives in. Each of the site's ModelAdmins
# says where it belongs (task_group, task_name in the owner's words, task_rank to come first); a screen that
# says nothing (Django's accounts, django-axes) is a setting, under the name below.
TASK_GROUPS = {"write": "Write", "leads": "Leads", "gym": "The gym", "settings": "Settings"}
SETTINGS_NAMES = {
    "auth.user": "Staff accounts",
    "auth.group": "Staff groups (permissions)",
    "axes.accessattempt": "Login attempts: locked out",
    "axes.accessfailurelog": "Login attempts: wrong passwords",
    "axes.accesslog": "Login attempts: log",
}


class StaffAdminSite(admin.AdminSite):
    site_header = "Community Strength Austin"
    site_title = "Community Strength Austin admin"
    index_title = "Your desk"
    login_form = StaffLoginForm
    login_template = "admin/staff_login.html"

    def get_app_list(self, request, app_label=None):
        """The home page and the sidebar: Write, Leads, The gym, Settings. One app's own page is Django's."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        groups = {key: [] for key in TASK_GROUPS}
        for app in super().get_app_list(request):
            for entry in app["models"]:
                model_admin = self.get_model_admin(entry["model"])
                group = getattr(model_admin, "task_group", "settings")
                key = f"{entry['model']._meta.app_label}.{entry['model']._meta.model_name}"
                entry["name"] = getattr(model_admin, "task_name", None) or SETTINGS_NAMES.get(key, entry["name"])
                entry["rank"] = getattr(model_admin, "task_rank", 10)
                groups[group].append(entry)
        return [
            {
                "name": TASK_GROUPS[key],
                "app_label": f"task-{key}",
                "app_url": "",
                "has_module_perms": True,
                "models": sorted(entries, key=lambda entry: (entry["rank"], entry["name"])),
            }
            for key, entries in groups.items()
            if entries
        ]

    def has_permission(self, request):
        return super().has_permission(request) and (request.user.is_verified() or not needs_code(request.user))
