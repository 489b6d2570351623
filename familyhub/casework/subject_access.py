"""Casework's part of a person's data (access.subject_access): the family plan, with its goals,
actions and the family's own comments. The episode itself is in the generic records section."""

from __future__ import annotations

from collections.abc import Iterable

from familyhub.access import layer
from familyhub.access.subject_access import Context, Section
from familyhub.casework.models import Action, Episode


def family_plan(context: Context) -> Iterable[Section]:
    """The family plan: each goal's actions, who does them, by when, and the family's comments."""
    episodes = Episode.objects.filter(person=context.person)
    if context.for_family:
        episodes = layer.family_records(context.user, episodes)
    actions = (
        Action.objects.filter(goal__episode__in=episodes.values("pk"))
        .select_related("goal", "owner")
        .prefetch_related("family_comments")
        .order_by("goal__created_at", "due_on", "pk")
    )
    section = Section(
        key="casework.plan",
        heading="Family plan",
        columns=["Goal", "Action", "Who", "By", "Done", "Comments from the family"],
    )
    for action in actions:
        comments = "\n".join(c.text for c in action.family_comments.all())
        section.add(
            [
                action.goal.description,
                action.description,
                action.owner_display,
                action.due_on,
                action.done_on or "",
                comments,
            ],
            redact=""
            if context.for_family or not action.owner_id
            else "staff names: as policy says",
        )
    if section.rows:
        yield section
