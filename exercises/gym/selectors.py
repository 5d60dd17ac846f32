"""Reads of the gym's own facts."""

from .models import GymProfile


def gym_for(request) -> GymProfile:
    """The gym's profile, read once per request however many parts of the page show it."""
    if not hasattr(request, "gym_profile"):
        request.gym_profile = GymProfile.current()
    return request.gym_profile
