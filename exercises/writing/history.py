"""History staff can read: two versions side by side, children included, and what a revert will change.

django-reversion keeps every save; django-reversion-compare gives the history its Compare button and
view. What it shows is built here: each field that differs, the words removed on the left and the
words added on the right, then each child row (section, factor, FAQ...) added, removed or changed.
The same comparison, of what is saved now with the version picked, heads the revert page.
"""

import datetime
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from reversion.models import Version

TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# Long unchanged stretches are cut to their ends, so a one-word edit in a long text stays easy to find.
CONTEXT_TOKENS = 24


@dataclass(frozen=True)
class Relation:
    """Children kept in the parent's history: a model with a foreign key to the parent."""

    model: type[models.Model]
    foreign_key: models.ForeignKey

    @property
    def label(self) -> str:
        return capfirst(self.model._meta.verbose_name_plural)


@dataclass(frozen=True)
class Snapshot:
    values: dict
    children: dict  # Relation -> {object id: (its name then, its values)}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: SafeString
    after: SafeString


@dataclass(frozen=True)
class ChildChange:
    state: str  # "added", "removed" or "changed"
    title: str
    fields: list[FieldChange]

    @property
    def state_label(self) -> str:
        return {"added": "Added", "removed": "Removed", "changed": "Changed"}[self.state]


@dataclass(frozen=True)
class GroupChanges:
    label: str
    changes: list[ChildChange]
    unchanged: int


@dataclass(frozen=True)
class Changes:
    fields: list[FieldChange] = field(default_factory=list)
    groups: list[GroupChanges] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.fields) + sum(len(group.changes) for group in self.groups)


class ReadableHistory:
    """For a VersionAdmin with django-reversion-compare's views: newest first, side by side, revert explained."""

    history_latest_first = True
    object_history_template = "reversion/object_history.html"
    compare_template = "reversion-compare/compare.html"
    compare_raw_template = "reversion-compare/compare_raw.html"

    def history_relations(self) -> list[Relation]:
        """The inlines' models: django-reversion follows them, so every version holds its children."""
        relations = []
        for inline in self.inlines:
            foreign_key = next(
                (
                    candidate
                    for candidate in inline.model._meta.concrete_fields
                    if candidate.many_to_one
                    and issubclass(self.model, candidate.related_model)
                    and (inline.fk_name is None or candidate.name == inline.fk_name)
                ),
                None,
            )
            if foreign_key is not None:
                relations.append(Relation(inline.model, foreign_key))
        return relations

    def compare(self, obj, version1, version2):
        """django-reversion-compare's hook: what differs from the older version to the newer one."""
        relations = self.history_relations()
        changes = changes_between(
            self.model, version_snapshot(version1, relations), version_snapshot(version2, relations), relations
        )
        return changes, False

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "GET":
            # Before django-reversion reverts (and rolls back) to render the form: what is saved now.
            version = get_object_or_404(Version, pk=version_id, object_id=unquote(object_id))
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                relations = self.history_relations()
                extra_context = {
                    **(extra_context or {}),
                    "revert_version": version,
                    "revert_changes": changes_between(
                        self.model, live_snapshot(obj, relations), version_snapshot(version, relations), relations
                    ),
                }
        return super().revision_view(request, object_id, version_id, extra_context)


def version_snapshot(version: Version, relations: list[Relation]) -> Snapshot:
    children = {}
    for relation in relations:
        content_type = ContentType.objects.get_for_model(relation.model)
        rows = {}
        for child in version.revision.version_set.filter(content_type=content_type):
            values = child.field_dict
            if str(values.get(relation.foreign_key.attname)) == str(version.object_id):
                rows[child.object_id] = (child.object_repr, values)
        children[relation] = rows
    return Snapshot(values=version.field_dict, children=children)


def live_snapshot(obj: models.Model, relations: list[Relation]) -> Snapshot:
    children = {}
    for relation in relations:
        rows = relation.model._default_manager.filter(**{relation.foreign_key.name: obj})
        children[relation] = {str(row.pk): (str(row), values_of(row)) for row in rows}
    return Snapshot(values=values_of(obj), children=children)


def values_of(obj: models.Model) -> dict:
    return {each.attname: each.value_from_object(obj) for each in obj._meta.concrete_fields}


def changes_between(model, before: Snapshot, after: Snapshot, relations: list[Relation]) -> Changes:
    groups = []
    for relation in relations:
        old, new = before.children.get(relation, {}), after.children.get(relation, {})
        changes, unchanged = [], 0
        for object_id in sorted(old.keys() | new.keys(), key=lambda key: child_order(key, new.get(key) or old[key])):
            skip = {relation.foreign_key.attname}
            if object_id not in old:
                title, values = new[object_id]
                changes.append(ChildChange("added", title, field_changes(relation.model, {}, values, skip)))
            elif object_id not in new:
                title, values = old[object_id]
                changes.append(ChildChange("removed", title, field_changes(relation.model, values, {}, skip)))
            elif differences := field_changes(relation.model, old[object_id][1], new[object_id][1], skip):
                changes.append(ChildChange("changed", new[object_id][0], differences))
            else:
                unchanged += 1
        if changes:
            groups.append(GroupChanges(relation.label, changes, unchanged))
    return Changes(fields=field_changes(model, before.values, after.values, set()), groups=groups)


def child_order(object_id: str, row: tuple) -> tuple:
    position = row[1].get("position")
    return (position if isinstance(position, int) else 0, int(object_id) if object_id.isdigit() else 0, object_id)


def field_changes(model, before: dict, after: dict, skip: set) -> list[FieldChange]:
    """The fields staff edit whose shown value differs, in the model's order."""
    found = []
    for each in model._meta.concrete_fields:
        if each.primary_key or not each.editable or each.attname in skip:
            continue
        old, new = shown(each, before.get(each.attname)), shown(each, after.get(each.attname))
        if old != new:
            found.append(FieldChange(capfirst(each.verbose_name), *side_by_side(old, new)))
    return found


def shown(model_field, value) -> str:
    """A field's value as staff would read it on the form."""
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.many_to_one:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"a deleted {model_field.related_model._meta.verbose_name} (#{value})"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(local, "N j, Y, H:i:s")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def side_by_side(before: str, after: str) -> tuple[SafeString, SafeString]:
    """The two texts, the words only the older has in <del> and the words only the newer has in <ins>."""
    old, new = TOKENS.findall(before), TOKENS.findall(after)
    left, right = [], []
    for changed, i1, i2, j1, j2 in runs(SequenceMatcher(None, old, new, autojunk=False).get_opcodes(), old):
        if not changed:
            same = shortened(old[i1:i2], first=i1 == 0, last=i2 == len(old))
            left.append(same)
            right.append(same)
            continue
        if i2 > i1:
            left.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            right.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - every piece escaped above


def runs(opcodes, old: list[str]) -> list[list]:
    """difflib's operations as changed or not, a lone space between two changes counted in the change."""
    merged = []
    for operation, i1, i2, j1, j2 in opcodes:
        changed = operation != "equal"
        if not changed and merged and merged[-1][0] and "".join(old[i1:i2]).isspace():
            changed = True
        if merged and merged[-1][0] and changed:
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([changed, i1, i2, j1, j2])
    if merged and merged[-1][0] and "".join(old[merged[-1][1] : merged[-1][2]]).isspace():
        merged[-1][0] = False  # a space the newer text ends on is no change of its own
    return merged


def shortened(tokens: list[str], *, first: bool, last: bool) -> str:
    keep_start = 0 if first else CONTEXT_TOKENS
    keep_end = 0 if last else CONTEXT_TOKENS
    if len(tokens) <= keep_start + keep_end + CONTEXT_TOKENS:
        return escape("".join(tokens))
    start = "".join(tokens[:keep_start])
    end = "".join(tokens[len(tokens) - keep_end :]) if keep_end else ""
    return f'{escape(start)}<span class="history-gap">…</span>{escape(end)}'
