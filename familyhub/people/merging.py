"""Merge two records of one person, and undo it exactly.

ONE mechanism moves every reference: it walks Person's reverse relations (every ForeignKey and
OneToOneField to Person in any app, hidden ones and automatic many-to-many tables included), so a
part added later joins merge and unmerge by declaring its ForeignKey and nothing else.

A model may opt out with a class attribute:
    merge_policy = "skip"      never moved (caches such as matching keys; the merge's own records)
A part that must react (refresh a schedule) registers on people.hooks.person_merged and
person_unmerged, run after the moves inside the merge's transaction.
(for example a cache recomputes its rows for both people).

Every moved reference is recorded (model, row, field, old value) in MergeMove, so unmerge puts
each one back. A row that cannot move because it would break a constraint on the survivor (two
open memberships of one household, a relationship of the survivor with themselves, a second
one-to-one row) stays with the duplicate, recorded as "kept": nothing is deleted, and unmerge has
nothing to undo for it. Empty fields of the survivor are filled from the duplicate (recorded as
"copied"), and the duplicate's merged_into points at the survivor, so its old address redirects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from familyhub.audit.log import log_change
from familyhub.people.hooks import person_merged, person_unmerged
from familyhub.people.models import MergeAction, MergeMove, MergeRecord, Person, PersonChange

# Fields copied onto the survivor when the survivor's is empty. The current address is copied
# only as a whole and only when the survivor has none.
COPY_FIELDS = (
    "given_name",
    "known_as",
    "date_of_birth",
    "nhs_number",
    "upn",
    "ethnicity",
    "first_language",
    "send_detail",
    "date_of_death",
)
ADDRESS_FIELDS = ("address_line1", "address_line2", "town", "postcode", "area")


@dataclass(frozen=True)
class PersonReference:
    """A concrete foreign key (or one-to-one) column that points at Person."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return self.model._meta.label


def person_references() -> Iterator[PersonReference]:
    """Every column in the project that points at a Person, except Person.merged_into itself and
    models that opt out. Auto-created many-to-many tables are included through their own keys."""
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        if relation.many_to_many:
            continue  # the through table's own ForeignKey appears separately
        field: Any = relation.field  # type: ignore[union-attr]
        model: Any = relation.related_model
        if model is Person and field.name == "merged_into":
            continue
        if model._meta.proxy or not model._meta.managed and not model._meta.auto_created:
            continue
        if getattr(model, "merge_policy", "move") == "skip":
            continue
        yield PersonReference(model=model, field=field)


class MergeRefused(ValidationError):
    pass


def _check_mergeable(survivor: Person, duplicate: Person) -> None:
    if survivor.pk == duplicate.pk:
        raise MergeRefused("A record cannot be merged into itself")
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise MergeRefused("One of these records has already been merged into another")
    if survivor.authority_id != duplicate.authority_id:
        raise MergeRefused("Records of different councils cannot be merged")


@transaction.atomic
def person_merge(*, survivor: Person, duplicate: Person, by, reason: str) -> MergeRecord:
    """Merge `duplicate` into `survivor`. Atomic; both people rows are locked first (in id order,
    so two merges of overlapping pairs cannot deadlock). The caller has checked that `by` may see
    both people; the merge is logged through the access layer (action "merge")."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why these two records are the same person"]})
    locked = {
        p.pk: p
        for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
    }
    if len(locked) != 2:
        raise MergeRefused("A record cannot be merged into itself")
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    _check_mergeable(survivor, duplicate)
    merge = MergeRecord.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        merged_by=by,
        merged_at=timezone.now(),
        reason=reason,
    )
    moves: list[MergeMove] = []
    for reference in person_references():
        moves.extend(_move_reference(merge, reference, survivor, duplicate))
    moves.extend(_copy_fields(merge, survivor, duplicate))
    MergeMove.objects.bulk_create(moves)
    Person.objects.filter(pk=duplicate.pk).update(
        merged_into=survivor, version=F("version") + 1, updated_at=timezone.now()
    )
    Person.objects.filter(pk=survivor.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    PersonChange.objects.bulk_create(
        [
            PersonChange(
                person=survivor,
                changed_by=by,
                field="merge",
                new_value=f"absorbed {duplicate.public_id}",
            ),
            PersonChange(
                person=duplicate,
                changed_by=by,
                field="merged_into",
                new_value=str(survivor.public_id),
            ),
        ]
    )
    person_merged.call(survivor=survivor, duplicate=duplicate)
    _log(by, [survivor, duplicate], "Merge duplicate records", reason)
    return merge


def _move_reference(
    merge: MergeRecord, reference: PersonReference, survivor: Person, duplicate: Person
) -> list[MergeMove]:
    field = reference.field
    target = field.target_field.attname
    old_value = getattr(duplicate, target)
    new_value = getattr(survivor, target)
    manager = reference.model._base_manager
    moves = []
    for row in manager.filter(**{field.attname: old_value}).order_by("pk"):
        setattr(row, field.attname, new_value)
        # Django's own constraint checks (unique fields, unique_together, UniqueConstraint with
        # conditions, CheckConstraint) tell whether the row may join the survivor's rows.
        try:
            row.validate_unique()
            row.validate_constraints()
        except ValidationError as clash:
            moves.append(
                MergeMove(
                    merge=merge,
                    action=MergeAction.KEPT,
                    model_label=reference.label,
                    object_pk=str(row.pk),
                    field_name=field.attname,
                    old_value=str(old_value),
                    note="; ".join(clash.messages)[:240],
                )
            )
            continue
        manager.filter(pk=row.pk).update(**{field.attname: new_value})
        moves.append(
            MergeMove(
                merge=merge,
                action=MergeAction.MOVED,
                model_label=reference.label,
                # A one-to-one that is its table's primary key changes the row's key as it moves.
                object_pk=str(new_value if field.primary_key else row.pk),
                field_name=field.attname,
                old_value=str(old_value),
                new_value=str(new_value),
            )
        )
    return moves


def _copy_fields(merge: MergeRecord, survivor: Person, duplicate: Person) -> list[MergeMove]:
    updates: dict[str, object] = {}
    names = list(COPY_FIELDS)
    if not survivor.postcode and not survivor.address_line1 and duplicate.postcode:
        names += ["address_line1", "address_line2", "town", "postcode", "area_id"]
    for name in names:
        mine, theirs = getattr(survivor, name), getattr(duplicate, name)
        if mine in (None, "") and theirs not in (None, ""):
            updates[name] = theirs
    if updates:
        Person.objects.filter(pk=survivor.pk).update(**updates)
    return [
        MergeMove(
            merge=merge,
            action=MergeAction.COPIED,
            model_label=Person._meta.label,
            object_pk=str(survivor.pk),
            field_name=name,
            old_value="",
            new_value=_text(value),
        )
        for name, value in updates.items()
    ]


def _text(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@transaction.atomic
def person_unmerge(*, merge: MergeRecord, by, reason: str) -> MergeRecord:
    """Undo a merge exactly: every moved reference goes back to the duplicate, copied fields are
    emptied again (unless someone has since changed them), and the duplicate stands alone again.
    A reference that has since moved on (a later merge took it elsewhere) is left where it is."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why this merge was wrong"]})
    merge = MergeRecord.objects.select_for_update().get(pk=merge.pk)
    if merge.is_undone:
        raise MergeRefused("This merge has already been undone")
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    duplicate = Person.objects.select_for_update().get(pk=merge.duplicate_id)
    if duplicate.merged_into_id != survivor.pk:
        raise MergeRefused("The duplicate is no longer merged into this record")
    for move in merge.moves.filter(action=MergeAction.MOVED).order_by("-pk"):
        model = apps.get_model(move.model_label)
        model._base_manager.filter(pk=move.object_pk, **{move.field_name: move.new_value}).update(
            **{move.field_name: move.old_value}
        )
    for move in merge.moves.filter(action=MergeAction.COPIED):
        field: Any = Person._meta.get_field(move.field_name.removesuffix("_id"))
        current = getattr(survivor, move.field_name)
        if _text(current) == move.new_value:
            empty = None if field.null else ""
            Person.objects.filter(pk=survivor.pk).update(**{move.field_name: empty})
    Person.objects.filter(pk=duplicate.pk).update(
        merged_into=None, version=F("version") + 1, updated_at=timezone.now()
    )
    Person.objects.filter(pk=survivor.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    merge.unmerged_by = by
    merge.unmerged_at = timezone.now()
    merge.unmerge_reason = reason
    merge.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
    PersonChange.objects.bulk_create(
        [
            PersonChange(
                person=survivor,
                changed_by=by,
                field="unmerge",
                new_value=f"released {duplicate.public_id}",
            ),
            PersonChange(
                person=duplicate,
                changed_by=by,
                field="merged_into",
                old_value=str(survivor.public_id),
            ),
        ]
    )
    person_unmerged.call(survivor=survivor, duplicate=duplicate)
    _log(by, [survivor, duplicate], "Undo a merge", reason)
    return merge


def _log(by, people: list[Person], purpose: str, reason: str) -> None:
    log_change(by, people, action="merge", purpose=purpose, channel="page", detail=reason[:500])
