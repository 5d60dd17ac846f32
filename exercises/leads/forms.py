"""The consultation form, with its spam traps."""

import re

from django import forms

from . import attribution, consent
from .models import BestTime, ConsultationGoal, ContactMethod

# Control characters (C0 and C1) and Unicode's line and paragraph separators: each can break a mail header.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
PHONE_CHARACTERS = re.compile(r"^[0-9+().\-\s]+$")
CALL_OR_TEXT = (ContactMethod.PHONE, ContactMethod.TEXT)
PHONE_NEEDED = "Enter a phone number so we can call or text you, or choose email."


def single_line(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError("Please keep this on one line, without special characters.")
    return value


class FirstTouchField(forms.CharField):
    """A hidden first-touch value: cleaned before any check runs (a NUL or 10 KB are cut, not errors)."""

    widget = forms.HiddenInput

    def __init__(self, cleaner, **kwargs):
        super().__init__(required=False, **kwargs)
        self.cleaner = cleaner

    def to_python(self, value):
        return self.cleaner(value if isinstance(value, str) else "")


class ConsultationForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=100,
        error_messages={"required": "Enter your name."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=30,
        required=False,
        help_text="Needed if you would like a call or a text.",
        error_messages={"required": PHONE_NEEDED},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    goal = forms.ChoiceField(
        label="Your main goal",
        choices=[("", "Choose one…"), *ConsultationGoal.choices],
        error_messages={"required": "Choose your main goal."},
    )
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=ContactMethod.choices,
        initial=ContactMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    best_time = forms.ChoiceField(label="Best time to reach you", choices=BestTime.choices, initial=BestTime.ANY)
    message = forms.CharField(
        label="Anything we should know?",
        max_length=2000,
        required=False,
        help_text="Optional: injuries, experience, what you want to work on. Up to 2,000 characters.",
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": "Please tick this box so we may contact you about your consultation."},
    )
    calls_texts_consent = forms.BooleanField(required=False)
    # Not for people: the honeypot is hidden, the rest travel with the form (the same for every reader).
    website = forms.CharField(required=False, max_length=200)
    consent_version = forms.CharField(widget=forms.HiddenInput, max_length=20)
    source = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    # First touch, filled in by static/js/visit.js from the visitor's own tab: empty in every page served.
    # Whatever arrives is cleaned and cut (attribution.py), never a reason to refuse the request.
    landing_page = FirstTouchField(attribution.site_path)
    referrer_host = FirstTouchField(attribution.host)
    utm_source = FirstTouchField(attribution.plain_text)
    utm_medium = FirstTouchField(attribution.plain_text)
    utm_campaign = FirstTouchField(attribution.plain_text)
    utm_term = FirstTouchField(attribution.plain_text)
    utm_content = FirstTouchField(attribution.plain_text)
    last_article = FirstTouchField(attribution.site_path)

    def __init__(self, *args, source: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        version = consent.CURRENT_VERSION
        if self.is_bound and self.data.get("consent_version") in consent.CONSENT_TEXT:
            version = self.data["consent_version"]
        self.consent_wording = consent.CONSENT_TEXT[version]
        self.calls_texts_wording = consent.CALLS_TEXTS_CONSENT_TEXT[version]
        self.fields["consent"].label = self.consent_wording
        self.fields["calls_texts_consent"].label = self.calls_texts_wording
        self.initial.setdefault("consent_version", version)
        self.initial.setdefault("source", source)
        if self.is_bound and self.data.get("preferred_contact") in CALL_OR_TEXT:
            # Said where the visitor looks: the label loses "(optional)" and the message sits by the field.
            self.fields["phone"].required = True

    def full_clean(self):
        super().full_clean()
        # Point each input at its hint and its error, so a screen reader reads both.
        for name, field in self.fields.items():
            ids = [f"id_{name}_helptext"] if field.help_text else []
            if name in self.errors:
                ids.append(f"id_{name}_error")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def spam_reason(self) -> str | None:
        """Why this post looks automated, or None. Checked before validation."""
        if self.data.get("website"):
            return "honeypot"
        return None

    def clean_name(self):
        return single_line(self.cleaned_data["name"]).strip()

    def clean_email(self):
        email = self.cleaned_data["email"]
        if '"' in email:
            raise forms.ValidationError("Enter your email address without quotation marks, like name@example.com.")
        return single_line(email)

    def clean_phone(self):
        phone = single_line(self.cleaned_data["phone"]).strip()
        if phone and (not PHONE_CHARACTERS.match(phone) or sum(c.isdigit() for c in phone) < 7):
            raise forms.ValidationError("Enter a phone number with at least 7 digits, like 512-555-0134.")
        return phone

    def clean_consent_version(self):
        version = self.cleaned_data["consent_version"]
        return version if version in consent.CONSENT_TEXT else consent.CURRENT_VERSION

    def clean_source(self):
        source = self.cleaned_data["source"]
        # Only a path on this site: never a full URL someone could smuggle in.
        return source if source.startswith("/") and not source.startswith("//") else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("preferred_contact") in CALL_OR_TEXT:
            if not cleaned.get("phone") and "phone" not in self.errors:
                self.add_error("phone", PHONE_NEEDED)
            if not cleaned.get("calls_texts_consent"):
                self.add_error(
                    "calls_texts_consent", "Tick this box so we may call or text you, or choose email instead."
                )
        return cleaned

    @property
    def hidden_field_errors(self) -> bool:
        """A hidden field was tampered with: nothing the visitor can fix but a reload."""
        return any(self[name].is_hidden for name in self.errors if name in self.fields)

    @property
    def visible_error_fields(self):
        """Fields with errors, in form order, for the error summary."""
        return [self[name] for name in self.fields if name in self.errors and not self[name].is_hidden]
