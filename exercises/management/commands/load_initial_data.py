"""Load the shipped article content; safe to run on every deploy."""

from pathlib import Path

import reversion
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

from exercises.articles.models import Comparison
from exercises.library.models import Exercise, Muscle
from exercises.writing.models import Reference

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "leg-press-vs-hip-thrust.json"

# Content is loaded a whole record at a time: an exercise or comparison that
# already exists keeps every child staff gave it (or deleted from it).
ROOT_MODELS = (Muscle, Reference, Exercise, Comparison)
CHILDREN = {
    Muscle: ("regions",),
    Exercise: ("muscle_links", "points", "quotes", "schemes"),
    Comparison: ("sections", "factors", "criteria", "related", "myths", "faqs"),
}


def parent_of(obj):
    return getattr(obj, "exercise", None) or getattr(obj, "comparison", None) or getattr(obj, "muscle", None)


class Command(BaseCommand):
    help = "Create the shipped content that is missing. With --reset, put the shipped content back as it was."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite the shipped records and their children with the fixture's version.",
        )

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        # The shipped version is the first entry in each record's history, so staff can go back to it.
        with reversion.create_revision():
            reversion.set_comment("Shipped content (load_initial_data --reset)." if reset else "Shipped content.")
            counts = self.load(reset)
        created, replaced, kept = counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Content: {created} created, {replaced} reset, {kept} already there and left as they are."
            )
        )

    def load(self, reset: bool) -> tuple[int, int, int]:
        created = replaced = kept = 0
        untouched = set()
        # Natural keys (slug, name, key) match fixture records to existing rows,
        # so ids may differ between databases.
        for item in serializers.deserialize("json", FIXTURE.read_text(encoding="utf-8")):
            obj = item.object
            if isinstance(obj, ROOT_MODELS):
                if obj.pk is not None and not reset:
                    untouched.add((type(obj), obj.pk))
                    kept += 1
                    continue
                if obj.pk is not None:
                    for name in CHILDREN.get(type(obj), ()):
                        getattr(type(obj).objects.get(pk=obj.pk), name).all().delete()
                    replaced += 1
                else:
                    created += 1
                obj.save()  # a full save, so Markdown is rendered to HTML
            else:
                parent = parent_of(obj)
                if (type(parent), parent.pk) in untouched:
                    continue
                obj.save()
        return created, replaced, kept
