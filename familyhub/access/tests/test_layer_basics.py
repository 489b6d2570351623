from __future__ import annotations

import pytest
from django.http import Http404

from familyhub.access import layer
from familyhub.access.tests.factories import RegistrationFactory, SharedNoteFactory
from familyhub.accounts.roles import Role
from familyhub.audit.log import verify
from familyhub.audit.models import AccessLog
from familyhub.testing.factories import (
    HouseholdFactory,
    HouseholdMembershipFactory,
    PersonFactory,
    ServiceFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(authority, make_user):
    hub = ServiceFactory(authority=authority, name="Family hubs")
    other = ServiceFactory(authority=authority, name="School nursing")
    hub_team = TeamFactory(service=hub)
    other_team = TeamFactory(service=other)
    owner = make_user(Role.FAMILY_SUPPORT_WORKER, team=hub_team)
    colleague = make_user(Role.RECEPTION, team=hub_team)
    outsider = make_user(Role.SCHOOL_NURSE, team=other_team)
    mum = PersonFactory(authority=authority)
    child = PersonFactory(authority=authority)
    household = HouseholdFactory(authority=authority)
    HouseholdMembershipFactory(household=household, person=mum)
    HouseholdMembershipFactory(household=household, person=child)
    RegistrationFactory(person=mum, service=hub)
    return {
        "hub": hub,
        "other": other,
        "owner": owner,
        "colleague": colleague,
        "outsider": outsider,
        "mum": mum,
        "child": child,
        "household": household,
    }


def test_registered_family_visible_to_service_including_household(world):
    seen = set(layer.visible_people(world["owner"]))
    assert seen == {world["mum"], world["child"]}
    assert set(layer.visible_people(world["colleague"])) == seen
    assert not layer.visible_people(world["outsider"]).exists()


def test_person_for_viewer_logs_once_and_404s_for_outsider(world):
    person = layer.person_for_viewer(
        world["owner"], world["child"].public_id, purpose="visit", channel="page"
    )
    assert person == world["child"]
    assert AccessLog.objects.filter(person_pk=world["child"].pk).count() == 1
    with pytest.raises(Http404):
        layer.person_for_viewer(
            world["outsider"], world["child"].public_id, purpose="x", channel="page"
        )
    with pytest.raises(Http404):
        layer.person_for_viewer(world["owner"], "not-a-uuid", purpose="x", channel="page")
    assert AccessLog.objects.count() == 1
    assert verify().ok


def test_records_visible_to_owner_only_without_agreement(world):
    note = SharedNoteFactory(person=world["mum"], owning_service=world["hub"])
    from familyhub.access.models import SharedNote

    assert list(layer.records_visible_to(world["owner"], SharedNote.objects.all())) == [note]
    assert not layer.records_visible_to(world["outsider"], SharedNote.objects.all()).exists()
