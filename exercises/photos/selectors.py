"""Reads about the photo library: where a photo is used, and the photos a search finds."""

from django.apps import apps
from django.db.models import Q

from .models import Photo


def photo_uses(photo: Photo) -> list[str]:
    """Everything that shows this photo, in words staff recognise: "the exercise “Hip Thrust”", …"""
    uses = [f"the exercise “{link.exercise}”" for link in photo.exercise_photos.select_related("exercise")]
    uses += [f"the comparison “{comparison}” (lead photo)" for comparison in photo.lead_of.all()]
    uses += [f"the coach page of {coach}" for coach in photo.coach_of.all()]
    return uses + text_uses(photo)


def text_uses(photo: Photo) -> list[str]:
    """The texts that place this photo with ![…](image:key): no foreign key guards those."""
    uses = []
    # The key then its end, so that "image:squat" is not found in "image:squat-2".
    markers = (f"image:{photo.key})", f'image:{photo.key}"', f"image:{photo.key}'")
    for model in apps.get_app_config("exercises").get_models():
        fields = getattr(model, "markdown_fields", ())
        if not fields:
            continue
        mentions = Q()
        for name in fields:
            for marker in markers:
                mentions |= Q(**{f"{name}__contains": marker})
        uses += [f"the text of {model._meta.verbose_name} “{item}”" for item in model.objects.filter(mentions)]
    return uses


def search_photos(*, query: str, limit: int = 20) -> list[Photo]:
    """Photos whose description, caption or key hold every word typed; the newest for no words."""
    photos = Photo.objects.prefetch_related("renditions")
    for word in query.split():
        photos = photos.filter(Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(key__icontains=word))
    return list(photos[:limit])
