from __future__ import annotations

import io
import random

import pytest

from familyhub.access import layer
from familyhub.access.models import SharedNote, SharingAgreement
from familyhub.accounts.roles import STAFF_ROLES, Role
from familyhub.demo import access as demo
from familyhub.places.models import Locality
from familyhub.services.models import Service, ServiceKind, Team
from familyhub.testing.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_demo_hides_the_domestic_abuse_note(authority, make_user):
    central = Locality.objects.create(authority=authority, name="Central")
    teams = {}
    for kind in (
        ServiceKind.FAMILY_HUB,
        ServiceKind.HEALTH_VISITING,
        ServiceKind.SCHOOL_NURSING,
        ServiceKind.EARLY_HELP,
        ServiceKind.FRONT_DOOR,
    ):
        service = ServiceFactory(authority=authority, kind=kind, name=f"Demo {kind}")
        teams[kind] = Team.objects.create(service=service, locality=central, name=f"{kind} Central")
    hv = make_user(
        Role.HEALTH_VISITOR, team=teams[ServiceKind.HEALTH_VISITING], username="health_visitor"
    )
    fsw = make_user(
        Role.FAMILY_SUPPORT_WORKER,
        team=teams[ServiceKind.FAMILY_HUB],
        username="family_support_worker",
    )
    out = io.StringIO()
    demo.load_demo(authority=authority, rng=random.Random(1), stdout=out)
    demo.load_demo(authority=authority, rng=random.Random(1), stdout=out)  # idempotent
    assert SharingAgreement.objects.count() == 8
    da = SharedNote.objects.get(category="domestic_abuse")
    assert da.owning_service == Service.objects.get(name=demo.DA_SERVICE_NAME)
    notes = SharedNote.objects.all()
    assert set(layer.records_visible_to(hv, notes).values_list("title", flat=True)) == {
        "6-8 week review: feeding well",
        "Came to stay and play with mum",
    }
    assert set(layer.records_visible_to(fsw, notes).values_list("title", flat=True)) == {
        "Came to stay and play with mum",
    }
    from familyhub.accounts.models import User

    da_worker = User.objects.get(username="domestic_abuse_worker")
    assert da in layer.records_visible_to(da_worker, notes)
    assert "Okonkwo-Hart" in out.getvalue()


def test_make_demo_lists_the_domestic_abuse_worker_with_every_role():
    from familyhub.demo.borough import demo_accounts

    usernames = [username for username, _what in demo_accounts()]
    assert "domestic_abuse_worker" in usernames
    # Every staff role has a demo account (family members sign in with an email address).
    assert {role.value for role in STAFF_ROLES} <= set(usernames)
