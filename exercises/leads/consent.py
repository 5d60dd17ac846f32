"""Consent wording, by version.

A request stores the wording of the version its form showed, so changing the
words means adding a new version here, never editing an old one.
"""

CURRENT_VERSION = "2026-11-24"

CONSENT_TEXT = {
    "2026-11-24": (
        "I agree that Community Strength Austin may keep these details and contact me about my free "
        "consultation. We never sell or share them, and you can ask us to delete them at any time."
    ),
}

CALLS_TEXTS_CONSENT_TEXT = {
    "2026-11-24": (
        "I also agree to be called or texted at the phone number above about my consultation. "
        "Message and data rates may apply."
    ),
}
