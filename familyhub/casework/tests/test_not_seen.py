"""The family plan's contact frequency and Families not seen: live episodes whose family's last
contact (for the household or the person) is older than it, or with none since the start."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familyhub.casework import selectors, services
from familyhub.casework.models import Episode
from familyhub.casework.tests.test_services import allocate
from familyhub.contacts import services as contacts
from familyhub.contacts.prompts import ensure_default_prompts
from familyhub.referrals.tests.factories import allocated_episode
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


def _today():
    """Today, asked each time: a run that crosses midnight must not mix two dates."""
    return timezone.localdate()


def _days_ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


def _episode(world, *, every: int | None = 14, started: int = 60, child=None):
    episode = allocate(world, allocated_episode(world, **({"person": child} if child else {})))
    Episode.objects.filter(pk=episode.pk).update(start=_days_ago(started))
    episode.refresh_from_db()
    if every is not None:
        episode = services.episode_contact_frequency_set(
            episode=episode, by=world.lead, version=episode.version, contact_every_days=every
        )
    return episode


def _contact(world, person, days_ago: int, *, seen=None, by=None):
    return contacts.contact_create(
        person=person,
        by=by or world.lead,
        team=world.central,
        details=contacts.ContactDetails(
            contact_on=_days_ago(days_ago),
            kind="phone",
            seen=seen or [person],
            discussed="How things are going",
        ),
    )


@pytest.fixture(autouse=True)
def _prompts(db):
    ensure_default_prompts()


def _rows(user):
    return {row.episode.pk: row for row in selectors.families_not_seen(user)}


def test_a_family_seen_within_the_frequency_is_not_listed(world):
    episode = _episode(world, every=14)
    _contact(world, world.child, 10)
    assert episode.pk not in _rows(world.lead)


def test_a_family_not_seen_within_it_is_listed_with_the_days_since(world):
    episode = _episode(world, every=14)
    _contact(world, world.child, 20)
    row = _rows(world.lead)[episode.pk]
    assert row.last_seen_on == _days_ago(20) and row.days == 20 and row.days_over == 6


def test_a_contact_with_anyone_in_the_household_counts(world):
    episode = _episode(world, every=14)
    _contact(world, world.child, 30)
    _contact(world, world.mother, 3)  # Jane is Tom's household
    assert episode.pk not in _rows(world.lead)


def test_no_contact_since_the_episode_started(world):
    episode = _episode(world, every=14, started=40)
    _contact(world, world.child, 0)
    Episode.objects.filter(pk=episode.pk).update(start=_today())  # the contact was before it
    assert episode.pk not in _rows(world.lead)  # 0 days: not over yet
    Episode.objects.filter(pk=episode.pk).update(start=_days_ago(20))
    from familyhub.contacts.models import Contact

    Contact.objects.update(contact_on=_days_ago(30))  # before the start: does not count
    row = _rows(world.lead)[episode.pk]
    assert row.last_seen_on is None and row.days == 20


def test_only_episodes_with_a_frequency_and_live(world):
    episode = _episode(world, every=None)
    assert episode.pk not in _rows(world.lead)


def test_the_lead_sees_their_own_and_the_team_leader_their_teams(world):
    episode = _episode(world, every=7)
    assert episode.pk in _rows(world.lead)
    assert episode.pk in _rows(world.team_leader)
    assert episode.pk not in _rows(world.colleague)  # not their family
    assert episode.pk not in _rows(world.outsider_leader)  # another team


def test_queries_do_not_grow_with_the_families(world):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.families_not_seen(world.team_leader)
        return len(queries)

    _episode(world, every=7)
    _contact(world, world.child, 30)
    one = count()
    for n in range(4):
        child = factories.PersonFactory(authority=world.authority, family_name=f"Family{n}")
        _episode(world, every=7, child=child)
        _contact(world, child, 30)
    assert len(selectors.families_not_seen(world.team_leader)) == 5
    assert count() <= one


def test_the_page_lists_the_family_and_logs_them(client, signed_in, world):
    from familyhub.audit.models import AccessLog

    episode = _episode(world, every=14)
    _contact(world, world.child, 20)
    last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    page = signed_in(client, world.lead).get(reverse("casework:not-seen"))
    text = page.content.decode()
    assert page.status_code == 200 and "Tom Walker" in text and "6 days over" in text
    assert reverse("casework:episode", args=[episode.public_id]) in text
    assert AccessLog.objects.filter(pk__gt=last, person_pk=world.child.pk).exists()
    home = client.get("/").content.decode()
    assert reverse("casework:not-seen") in home  # in the navigation


def test_the_episode_page_shows_and_changes_the_frequency(client, signed_in, world):
    episode = _episode(world, every=None)
    lead = signed_in(client, world.lead)
    page = lead.get(reverse("casework:episode", args=[episode.public_id])).content.decode()
    assert reverse("casework:contact-frequency", args=[episode.public_id]) in page
    url = reverse("casework:contact-frequency", args=[episode.public_id])
    response = lead.post(url, {"version": episode.version, "contact_every_days": "0"})
    assert response.status_code == 400
    assert "How often the family is seen must be 1 or more" in response.content.decode()
    response = lead.post(url, {"version": episode.version, "contact_every_days": "21"})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.contact_every_days == 21
    page = lead.get(reverse("casework:episode", args=[episode.public_id])).content.decode()
    assert "Every 21 days" in page
    # The same form sent again with the old version is refused, not saved over the change.
    stale = lead.post(url, {"version": episode.version - 1, "contact_every_days": "7"}, follow=True)
    assert "Your change was not saved" in stale.content.decode()
    episode.refresh_from_db()
    assert episode.contact_every_days == 21


def test_the_frequency_service_refuses_nonsense_and_a_closed_episode(world):
    from django.core.exceptions import ValidationError

    episode = _episode(world, every=None)
    with pytest.raises(ValidationError) as error:
        services.episode_contact_frequency_set(
            episode=episode, by=world.lead, version=episode.version, contact_every_days=400
        )
    assert "contact_every_days" in error.value.message_dict
    with pytest.raises(services.EpisodeConflict):
        services.episode_contact_frequency_set(
            episode=episode, by=world.lead, version=episode.version + 5, contact_every_days=7
        )
