"""The public search, a service's page, the editors' worklist and edits, and signposting."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from familyhub.access.timeline import family_timeline
from familyhub.audit.models import AccessLog
from familyhub.core.indicators import all_registered
from familyhub.directory.models import DirectoryService, Signpost
from familyhub.directory.quality import missing
from familyhub.directory.sync import sync_session_series
from familyhub.directory.taxonomy import NEED_CODES

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [found.service.name for found in response.context["results"].found]


def test_a_parent_finds_services_for_a_need_nearest_first_without_signing_in(world):
    response = Client().get("/directory/", {"need": "food", "postcode": "rm175dq"})
    assert response.status_code == 200
    assert _names(response) == [world.near.name, world.middle.name, world.far.name]
    assert "miles away" in response.content.decode()
    page = Client().get(f"/directory/services/{world.near.oruk_id}/")
    assert page.status_code == 200 and "Free" in page.content.decode()


def test_the_district_is_used_when_the_postcode_is_not_in_the_lookup(world):
    response = Client().get("/directory/", {"need": "food", "postcode": "RM17 9XX"})
    assert response.status_code == 200
    assert response.context["results"].place.district_only
    assert _names(response)[0] == world.near.name


@pytest.mark.parametrize(
    "postcode,message",
    [("ZZ99 9ZZ", "We could not find that postcode"), ("not a postcode", "Enter a real postcode")],
)
def test_a_postcode_that_does_not_exist_is_said_plainly(world, postcode, message):
    response = Client().get("/directory/", {"need": "food", "postcode": postcode})
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and "govuk-error-summary" in text
    assert response.context["results"] is None


def test_hub_sessions_are_found_by_need_and_leave_when_they_end(world):
    entry = DirectoryService.objects.get(session_series=world.series)
    need = entry.terms.first().code
    response = Client().get("/directory/", {"need": need})
    assert entry.name in _names(response)
    world.series.ends_on = world.series.starts_on
    world.series.save()
    sync_session_series(world.series)
    response = Client().get("/directory/", {"need": need})
    assert entry.name not in _names(response)


def test_the_worklist_lists_stale_records_and_an_editor_marks_one_checked(world, signed_in):
    DirectoryService.objects.filter(pk=world.far.pk).update(assured_date=datetime.date(2020, 1, 1))
    client = signed_in(Client(), world.editor)
    response = client.get("/directory/editors/")
    assert response.status_code == 200
    stale = [entry for entry, _ in response.context["rows"]]
    assert world.far in stale and world.near not in stale
    far = DirectoryService.objects.get(pk=world.far.pk)
    response = client.post(
        f"/directory/editors/records/{far.oruk_id}/checked/", {"version": far.version}
    )
    assert response.status_code == 302
    far.refresh_from_db()
    assert far.assured_date == timezone.localdate()
    assert world.far not in [e for e, _ in client.get("/directory/editors/").context["rows"]]


def test_a_practitioner_may_not_edit_the_directory(world, signed_in):
    client = signed_in(Client(), world.worker)
    assert client.get("/directory/editors/").status_code == 403
    assert client.get(f"/directory/editors/records/{world.near.oruk_id}/").status_code == 403


def test_an_edit_with_an_old_version_is_refused_and_saves_nothing(world, signed_in):
    client = signed_in(Client(), world.editor)
    entry = DirectoryService.objects.get(pk=world.middle.pk)
    form = {
        "name": "Renamed",
        "description": entry.description,
        "url": "",
        "email": "",
        "status": "active",
        "minimum_age": "",
        "maximum_age": "",
        "alert": "",
        "needs": ["food", "money"],
        "version": entry.version,
    }
    assert client.post(f"/directory/editors/records/{entry.oruk_id}/", form).status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Renamed" and {t.code for t in entry.terms.all()} == {"food", "money"}
    stale = {**form, "name": "Second editor", "version": entry.version - 1}
    response = client.post(f"/directory/editors/records/{entry.oruk_id}/", stale, follow=True)
    assert "Someone else changed this record" in response.content.decode()
    entry.refresh_from_db()
    assert entry.name == "Renamed"
    bad = {**form, "version": entry.version, "minimum_age": "12", "maximum_age": "3"}
    response = client.post(f"/directory/editors/records/{entry.oruk_id}/", bad)
    assert response.status_code == 400 and "Oldest age" in response.content.decode()


def test_completeness_says_what_is_missing(world):
    entry = DirectoryService.objects.get(pk=world.near.pk)
    assert entry.completeness == 100
    hub = DirectoryService.objects.get(session_series=world.series)
    assert "How to get in touch (email, website or phone)" in missing(hub)
    assert 0 < hub.completeness < 100


def test_a_worker_signposts_from_the_record_and_it_is_on_the_timeline(world, signed_in):
    client = signed_in(Client(), world.worker)
    person = world.person
    url = f"/directory/signpost/{person.public_id}/"
    found = client.get(url, {"need": "food", "postcode": person.postcode})
    assert found.status_code == 200
    assert [f.service.name for f in found.context["results"].found][0] == world.near.name
    before = AccessLog.objects.filter(person_pk=person.pk, action="create").count()
    response = client.post(
        url,
        {
            "need": "food",
            "postcode": person.postcode,
            "service": str(world.near.oruk_id),
            "given_on_day": "1",
            "given_on_month": "12",
            "given_on_year": "2026",
            "notes": "Gave the leaflet",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    signpost = Signpost.objects.get(person=person)
    assert (signpost.service_name, signpost.need_code, signpost.team) == (
        world.near.name,
        "food",
        world.team,
    )
    assert AccessLog.objects.filter(person_pk=person.pk, action="create").count() == before + 1
    timeline = family_timeline(world.worker, [person.pk])
    assert any(
        item.summary == f"Signposted to {world.near.name} for food and essentials"
        for item in timeline.items
    )


def test_signposting_with_bad_input_names_the_field(world, signed_in):
    client = signed_in(Client(), world.worker)
    url = f"/directory/signpost/{world.person.public_id}/"
    response = client.get(url, {"need": "food", "postcode": "ZZ99 9ZZ"})
    assert (
        response.status_code == 400
        and "We could not find that postcode" in response.content.decode()
    )
    response = client.post(url, {"need": "food", "postcode": world.person.postcode})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Select the service you told them about" in text or "service you told them about" in text
    assert not Signpost.objects.exists()


def test_only_someone_who_may_see_the_person_signposts(world, make_user, signed_in):
    from familyhub.accounts.roles import Role
    from familyhub.testing import factories

    outsider = make_user(Role.FAMILY_SUPPORT_WORKER, team=factories.TeamFactory())
    client = signed_in(Client(), outsider)
    assert client.get(f"/directory/signpost/{world.person.public_id}/").status_code == 404


def test_the_indicator_counts_signposts_by_need_and_area(world):
    from familyhub.directory.services import signpost_create

    for entry in (world.near, world.middle):
        signpost_create(
            person=world.person,
            by=world.worker,
            team=world.team,
            entry=entry,
            need=entry.terms.get(),
            given_on=timezone.localdate(),
        )
    indicators = all_registered()
    assert all(f"signposts_{code}" in indicators for code in NEED_CODES)
    today = timezone.localdate()
    cells = list(
        indicators["signposts_food"].compute(
            world.authority.pk, today - datetime.timedelta(days=5), today
        )
    )
    assert [(c["area_id"], c["numerator"], c["denominator"]) for c in cells] == [
        (world.person.area_id, 2, 2)
    ]
    people = indicators["signposts_food"].people(
        world.authority.pk, today - datetime.timedelta(days=5), today
    )
    assert list(people) == [world.person]
