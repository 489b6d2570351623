"""The information governance lead's retention pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.people.models import Person
from familyhub.retention import services
from familyhub.retention.models import BatchStatus, LegalHold
from familyhub.retention.tests.world import TODAY, build
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client, signed_in):
    world = build()
    signed_in(client, world.ig)
    return world


def test_the_lead_reviews_a_batch_and_approves_it_with_a_reason(client, world):
    [batch] = services.list_due(TODAY)
    home = client.get(reverse("retention:home"))
    assert home.status_code == 200 and b"Waiting for your decision" in home.content
    url = reverse("retention:batch", args=[batch.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert world.old.family_name.encode() in page.content
    # The lead was shown the person: logged.
    assert AccessLog.objects.filter(person_pk=world.old.pk, action="read").exists()

    missing = client.post(url, {"decision": "approve", "reason": "", "version": batch.version})
    assert missing.status_code == 200 and b"Enter the reason" in missing.content
    assert Person.objects.filter(pk=world.old.pk).exists()

    done = client.post(url, {"decision": "approve", "reason": "Met", "version": batch.version})
    assert done.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    assert not Person.objects.filter(pk=world.old.pk).exists()
    after = client.get(url)
    assert after.status_code == 200 and b"Destroyed" in after.content
    # Someone else's stale form is refused, not applied twice.
    stale = client.post(url, {"decision": "reject", "reason": "No", "version": 1})
    assert stale.status_code == 200
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED


def test_the_lead_sets_and_lifts_a_hold_on_a_family(client, world):
    new = reverse("retention:hold-new")
    assert client.get(new).status_code == 200
    unknown = client.post(new, {"subject": "FH99999999", "reason": "Claim"})
    assert b"No person or family in your council has that number" in unknown.content
    done = client.post(new, {"subject": world.household.card_number, "reason": "Claim"})
    assert done.status_code == 302
    hold = LegalHold.objects.get()
    assert services.list_due(TODAY) == []
    lift = reverse("retention:hold-lift", args=[hold.public_id])
    assert client.get(lift).status_code == 200
    client.post(lift, {"reason": "Settled", "version": hold.version})
    hold.refresh_from_db()
    assert not hold.is_active and hold.lift_reason == "Settled"
    schedules = client.get(reverse("retention:schedules"))
    assert schedules.status_code == 200 and b"Health visiting records" in schedules.content
    assert b"govuk-tag--red" not in schedules.content  # every kind of record is covered


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.HEALTH_VISITOR, Role.SERVICE_MANAGER])
def test_only_the_lead_sees_the_retention_pages(client, signed_in, role):
    world = build()
    [batch] = services.list_due(TODAY)
    user = factories.UserFactory(role=role, is_superuser=role == Role.ADMINISTRATOR)
    signed_in(client, user)
    for url in [
        reverse("retention:home"),
        reverse("retention:schedules"),
        reverse("retention:batch", args=[batch.public_id]),
        reverse("retention:hold-new"),
    ]:
        assert client.get(url).status_code == 403, url
    assert Person.objects.filter(pk=world.old.pk).exists()
