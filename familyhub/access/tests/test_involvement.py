"""Involvement is a registry other parts plug into without editing the access part."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.http import Http404

from familyhub.access import involvement, layer
from familyhub.access.models import SharedNote
from familyhub.audit.models import AccessLog
from familyhub.people.models import Person
from familyhub.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_registered_provider_grants_the_core_record(world):
    stranger = PersonFactory(authority=world.mum.authority, family_name="Queue")
    with pytest.raises(Http404):
        layer.person_for_viewer(world.outsider, stranger.public_id, purpose="x", channel="page")

    def triage_queue(user):
        # A part returns a Q over Person (or a queryset of person ids).
        return Q(family_name="Queue") if user.role == "school_nurse" else Q(pk__in=[])

    involvement.providers.register(triage_queue)
    try:
        person = layer.person_for_viewer(
            world.outsider, stranger.public_id, purpose="x", channel="page"
        )
        assert person == stranger
        assert not layer.visible_people(world.owner).filter(pk=stranger.pk).exists()
    finally:
        involvement.providers.unregister(triage_queue)


def test_providers_returning_querysets_are_combined(world):
    def everyone_called_quillfeather(user):
        return Person.objects.filter(family_name="Quillfeather").values("pk")

    involvement.providers.register(everyone_called_quillfeather)
    involvement.providers.register(
        everyone_called_quillfeather
    )  # idempotent: ready() may run twice
    try:
        assert layer.visible_people(world.outsider).filter(pk=world.mum.pk).exists()
    finally:
        involvement.providers.unregister(everyone_called_quillfeather)


def test_services_involved_registry(world):
    def episodes(person_ids):
        return [
            involvement.Involvement(
                "Early help",
                "Open episode",
                list(person_ids),
                lead_professional="Leah Price",
                lead_contact="07700 900123",
            )
        ]

    involvement.services.register(episodes)
    try:
        rows = involvement.services_involved([world.mum.pk])
        assert any(r.lead_professional == "Leah Price" for r in rows)
        assert any(r.service_name == "Family hubs" for r in rows)  # the built-in registrations
    finally:
        involvement.services.unregister(episodes)


def test_ended_registration_and_ended_membership_end_involvement(world):
    from django.utils import timezone

    from familyhub.people.models import HouseholdMembership, Registration

    assert layer.visible_people(world.owner).filter(pk=world.child.pk).exists()
    HouseholdMembership.objects.filter(person=world.child).update(
        end=timezone.localdate() - timezone.timedelta(days=1)
    )
    assert not layer.visible_people(world.owner).filter(pk=world.child.pk).exists()
    Registration.objects.filter(person=world.mum).update(ended_at=timezone.now())
    SharedNote.objects.filter(owning_service=world.hub).delete()
    assert not layer.visible_people(world.owner).filter(pk=world.mum.pk).exists()


def test_merged_record_redirects_and_logs_the_survivor(world, authority):
    old = PersonFactory(authority=authority)
    old.merged_into = world.mum
    old.save()
    person = layer.person_for_viewer(world.owner, old.public_id, purpose="x", channel="page")
    assert person == world.mum
    entry = AccessLog.objects.get()
    assert entry.person_pk == world.mum.pk and str(old.public_id) in entry.detail
    assert not layer.visible_people(world.owner).filter(pk=old.pk).exists()


def test_match_candidates_keep_order_log_and_stay_in_authority(world, authority):
    from familyhub.places.models import Authority

    other_council = Authority.objects.create(code="X99", name="Elsewhere")
    far = PersonFactory(authority=other_council)
    stranger = PersonFactory(authority=authority)
    ids = [stranger.pk, far.pk, world.mum.pk]
    ordered = sorted(ids, reverse=True)
    result = layer.match_candidates(
        world.colleague, ordered, purpose="Duplicate check", channel="registration"
    )
    expected = [p for p in ordered if p != far.pk]
    assert [p.pk for p in result] == expected
    assert AccessLog.objects.filter(action="search", channel="registration").count() == 2
    assert not layer.match_candidates(
        world.ig, list(Person.objects.values_list("pk", flat=True)), purpose="x", channel="page"
    )


def test_records_visible_to_refuses_other_models(world):
    with pytest.raises(TypeError):
        layer.records_visible_to(world.owner, Person.objects.all())
    assert layer.hidden_record_count(world.owner, SharedNote.objects.all()) == 1
