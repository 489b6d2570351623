"""A child's significant-events chronology (issue 20, item 6): built from the records the viewer
may see (the family timeline's rule, not a second one), plus moves, changes of household and
break-glass; oldest first; significance by kind unless a practitioner marks it; printable."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from familyhub.access import chronology, layer, services
from familyhub.access.models import ChronologyEntry, SharedNote
from familyhub.access.records import Category
from familyhub.audit.models import AccessLog
from familyhub.people.models import Address, HouseholdMembership
from familyhub.testing.factories import PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_world(world):
    """The child has a hub note (hub: the owner's service), a health note (health visiting, not
    shared with the hub), a move and a new adult in the household."""
    hub_child_note = SharedNote.objects.create(
        person=world.child,
        owning_service=world.hub,
        category=Category.GENERAL,
        title="Came to stay and play",
        recorded_by=world.owner,
        recorded_at=timezone.now() - datetime.timedelta(days=3),
    )
    Address.objects.create(
        person=world.child,
        postcode="ZZ9 9ZZ",
        town="Ashford",
        start=timezone.localdate() - datetime.timedelta(days=30),
    )
    partner = PersonFactory(authority=world.mum.authority, family_name="Grimsditch")
    HouseholdMembership.objects.create(
        household=world.household,
        person=partner,
        start=timezone.localdate() - datetime.timedelta(days=10),
    )
    return world, hub_child_note, partner


def test_the_chronology_shows_only_what_the_viewer_may_see_oldest_first(child_world):
    world, note, partner = child_world
    events = chronology.events_for(world.owner, world.child)
    summaries = [e.summary for e in events]
    assert "Came to stay and play" in summaries
    # The health visiting note is not shared with the family hub: not on the hub's chronology.
    assert "Health note" not in summaries
    assert [e.when for e in events] == sorted(e.when for e in events)
    # The health visitor (the child registered with health visiting) sees their own note.
    RegistrationFactory(person=world.child, service=world.health, registered_at=timezone.now())
    assert "Health note" in [
        e.summary for e in chronology.events_for(world.health_visitor, world.child)
    ]
    # The new adult is named only to someone who may see them (here the household rule lets the
    # hub see them), and is then logged as shown.
    joined = [
        e.summary for e in events if e.kind == "Change of household" and "joined" in e.summary
    ]
    assert joined
    assert (partner.display_name in " ".join(joined)) == layer.can_see(world.owner, partner)
    assert AccessLog.objects.filter(person_pk=partner.pk).exists() == layer.can_see(
        world.owner, partner
    )
    assert chronology.events_for(world.outsider, world.child) == []


def test_moves_and_household_changes_are_significant_and_notes_are_not_by_default(child_world):
    world, note, _ = child_world
    events = {e.summary: e for e in chronology.events_for(world.owner, world.child)}
    assert events["Came to stay and play"].significant is False
    move = next(e for e in events.values() if e.kind == "Move")
    assert move.significant and "Ashford" in move.summary
    assert any(e.kind == "Change of household" and e.significant for e in events.values())


def test_break_glass_is_on_the_chronology_without_its_reason(child_world, make_user):
    world, _, _ = child_world
    services.break_glass_start(
        user=world.outsider,
        person=world.child,
        ground="risk_of_harm",
        reason="The police rang about the child late tonight, needing the health history",
    )
    events = chronology.events_for(world.owner, world.child)
    glass = [e for e in events if e.model_label == "access.BreakGlass"]
    assert len(glass) == 1 and glass[0].significant
    assert "police" not in glass[0].summary.lower()


def test_a_practitioner_marks_an_event_and_the_mark_follows_the_record(child_world):
    world, note, _ = child_world
    event = next(
        e
        for e in chronology.events_for(world.owner, world.child)
        if e.key == f"access.SharedNote:{note.pk}"
    )
    before = AccessLog.objects.count()
    entry = services.chronology_mark(
        person=world.child,
        by=world.owner,
        record=note,
        owning_service=world.hub,
        category=event.category,
        significant=True,
        note="First time seen without mum",
    )
    assert AccessLog.objects.count() == before + 1
    assert entry.owning_service == world.hub and entry.version == 1
    marked = next(
        e
        for e in chronology.events_for(world.colleague, world.child)
        if e.key == f"access.SharedNote:{note.pk}"
    )
    assert marked.significant and marked.note == "First time seen without mum"
    # The mark is not an event of its own on the chronology.
    assert all(
        e.model_label != "access.ChronologyEntry"
        for e in chronology.events_for(world.owner, world.child)
    )
    # A second edit with the version seen works; a stale version is refused, not overwritten.
    services.chronology_mark(
        person=world.child,
        by=world.colleague,
        record=note,
        owning_service=world.hub,
        category=event.category,
        significant=False,
        note="Routine after all",
        version=1,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.chronology_mark(
            person=world.child,
            by=world.owner,
            record=note,
            owning_service=world.hub,
            category=event.category,
            significant=True,
            note="Overwrite",
            version=1,
        )
    assert "note" in excinfo.value.message_dict
    # A first mark made by someone who saw no mark, after another made one, is refused too.
    with pytest.raises(ValidationError):
        services.chronology_mark(
            person=world.child,
            by=world.owner,
            record=note,
            owning_service=world.hub,
            category=event.category,
            significant=True,
        )
    assert ChronologyEntry.objects.get().note == "Routine after all"


def test_a_long_note_is_refused_with_a_message(child_world):
    world, note, _ = child_world
    with pytest.raises(ValidationError) as excinfo:
        services.chronology_mark(
            person=world.child,
            by=world.owner,
            record=note,
            owning_service=world.hub,
            category="general",
            significant=True,
            note="x" * 201,
        )
    assert "note" in excinfo.value.message_dict


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_significant_events_logs_the_child_and_hides_from_outsiders(
    child_world, signed_in
):
    world, note, _ = child_world
    url = f"/access/people/{world.child.public_id}/chronology/"
    owner = world.client(world.owner, signed_in)
    before = AccessLog.objects.filter(person_pk=world.child.pk).count()
    page = owner.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ashford" in text and "Came to stay and play" not in text  # a note is not significant
    assert AccessLog.objects.filter(person_pk=world.child.pk).count() > before
    assert "fh-no-print" in text
    every = owner.get(url + "?all=1").content.decode()
    assert "Came to stay and play" in every and "Health note" not in every
    for outsider in (world.outsider, world.ig):
        assert world.client(outsider, signed_in).get(url).status_code == 404


def test_marking_on_the_page(child_world, signed_in):
    world, note, _ = child_world
    url = f"/access/people/{world.child.public_id}/chronology/"
    owner = world.client(world.owner, signed_in)
    key = f"access.SharedNote:{note.pk}"
    response = owner.post(url, {"event": key, "significance": "yes", "note": "Worth noting"})
    assert response.status_code == 302
    text = owner.get(url).content.decode()
    assert "Came to stay and play" in text and "Worth noting" in text
    # An event the viewer may not see (the health note) cannot be marked: the same answer as
    # one that does not exist.
    hidden = f"access.SharedNote:{world.health_note.pk}"
    response = owner.post(url, {"event": hidden, "significance": "yes"})
    assert response.status_code == 200 and "not on this chronology" in response.content.decode()
    response = owner.post(url, {"event": "nonsense", "significance": "yes"})
    assert response.status_code == 200
    # No significance chosen: a message naming the field.
    response = owner.post(url, {"event": key, "note": "x"})
    assert "Select whether the event is significant" in response.content.decode()
    assert not ChronologyEntry.objects.filter(
        content_type__model="sharednote", object_id=world.health_note.pk
    ).exists()
