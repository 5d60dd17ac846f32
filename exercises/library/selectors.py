"""Reads of the exercise library that every page showing an exercise shares."""

from django.db.models import Prefetch

from ..photos.models import ExercisePhoto
from .models import ExerciseMuscle

# Everything an exercise shows, for every exercise on the page together: a fixed number of queries.
EXERCISE_PARTS = (
    "points",
    "quotes",
    "schemes",
    Prefetch("muscle_links", queryset=ExerciseMuscle.objects.select_related("muscle")),
    # One query for the photos of every exercise on the page, one more for their sizes when there are any.
    Prefetch("photos", queryset=ExercisePhoto.objects.select_related("photo").prefetch_related("photo__renditions")),
)
# The areas of the body map each muscle lights: one more query for every exercise on the page together.
BODY_MAP_PARTS = ("muscle_links__muscle__regions",)
