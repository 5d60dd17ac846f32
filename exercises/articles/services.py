"""Content actions that write: each is one small typed function the views and admin call."""

from django.utils import timezone

from ..library.models import Exercise
from .models import FAQ, Comparison, SlugRedirect


def record_slug_change(*, item: Comparison | Exercise, old_slug: str) -> None:
    """Keep the old address answering with a 301 to the new one."""
    if not old_slug or old_slug == item.slug:
        return
    target = {"comparison": item} if isinstance(item, Comparison) else {"exercise": item}
    kind = next(iter(target))
    # The old slug now means this item; an earlier redirect from it (or to it, from its new slug) goes.
    SlugRedirect.objects.filter(**{f"{kind}__isnull": False}, old_slug__in=[old_slug, item.slug]).delete()
    SlugRedirect.objects.create(old_slug=old_slug, **target)


def touch_comparison_of(faq: FAQ) -> None:
    """An FAQ edited on its own still makes its comparison "updated"."""
    Comparison.objects.filter(pk=faq.comparison_id).update(updated_at=timezone.now())
