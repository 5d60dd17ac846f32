"""Every row a comparison page shows beside the comparison and its exercises, read in one query.

Each kind of row (sections, showdown factors, criteria, myths, FAQs, related lines, the body map's areas
of the exercises' muscles, the references a text may cite) is one SELECT of the same shape: the kind,
then the row as a JSON object of its fields. UNION ALL joins them, so the page costs one query however
many kinds and rows it has, and no query more as staff add sections or FAQs. Each row comes back as an
instance of its own model (``Model.from_db``, as the ORM makes them). Rows are kept in Python's order
(position, then pk), so the SQL needs no ORDER BY per kind.

Only for rows of text and numbers: JSON carries no dates or decimals.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, F, Model, OuterRef, QuerySet, Value
from django.db.models.functions import JSONObject

from ..library.models import MuscleRegion
from ..writing.models import Reference
from .models import FAQ, Comparison, Criterion, Myth, RelatedComparison, Section, ShowdownFactor

# What a related line adds to its row: whether a published comparison has its slug (the words link only then).
TARGET_LIVE = "target_live"


@dataclass
class ComparisonRows:
    sections: list[Section] = field(default_factory=list)
    factors: list[ShowdownFactor] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    myths: list[Myth] = field(default_factory=list)
    faqs: list[FAQ] = field(default_factory=list)
    related: list[RelatedComparison] = field(default_factory=list)
    regions: list[MuscleRegion] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)

    def regions_of(self) -> dict[int, list[str]]:
        """The areas of the body map each muscle lights, by muscle id."""
        by_muscle = defaultdict(list)
        for region in self.regions:
            by_muscle[region.muscle_id].append(region.region)
        return by_muscle


def _as_rows(kind: str, queryset: QuerySet, **extra) -> QuerySet:
    """One member of the union: (kind, {every field of the row, and ``extra``})."""
    fields = {f.attname: F(f.attname) for f in queryset.model._meta.concrete_fields}
    return (
        queryset.order_by()
        .annotate(row_kind=Value(kind, output_field=CharField()), row=JSONObject(**fields, **extra))
        .values_list("row_kind", "row")
    )


def _instance(model: type[Model], db: str, row: dict) -> Model:
    concrete = model._meta.concrete_fields
    item = model.from_db(db, [f.attname for f in concrete], [row[f.attname] for f in concrete])
    for name in row.keys() - {f.attname for f in concrete}:
        setattr(item, name, row[name])
    return item


def comparison_rows(comparison: Comparison, exercise_ids) -> ComparisonRows:
    """The comparison's rows, the areas its exercises' muscles light and every reference: one query."""
    live_target = Comparison.objects.published().filter(slug=OuterRef("target_slug"))
    members = {
        "sections": (Section, Section.objects.filter(comparison=comparison), {}),
        "factors": (ShowdownFactor, ShowdownFactor.objects.filter(comparison=comparison), {}),
        "criteria": (Criterion, Criterion.objects.filter(comparison=comparison), {}),
        "myths": (Myth, Myth.objects.filter(comparison=comparison), {}),
        "faqs": (FAQ, FAQ.objects.filter(comparison=comparison), {}),
        "related": (
            RelatedComparison,
            RelatedComparison.objects.filter(comparison=comparison),
            {TARGET_LIVE: Exists(live_target)},
        ),
        # A muscle both exercises work comes twice: kept once below.
        "regions": (MuscleRegion, MuscleRegion.objects.filter(muscle__exercise_links__exercise__in=exercise_ids), {}),
        "references": (Reference, Reference.objects.all(), {}),
    }
    queries = [_as_rows(kind, queryset, **extra) for kind, (_, queryset, extra) in members.items()]
    union = queries[0].union(*queries[1:], all=True)
    found = defaultdict(dict)
    for kind, row in union:
        found[kind][row["id"]] = _instance(members[kind][0], union.db, row)
    rows = ComparisonRows()
    for kind, model in ((kind, member[0]) for kind, member in members.items()):
        ordering = (lambda item: (item.position, item.pk)) if hasattr(model, "position") else (lambda item: item.pk)
        setattr(rows, kind, sorted(found[kind].values(), key=ordering))
    return rows
