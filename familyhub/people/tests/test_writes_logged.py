"""Services log their own writes: registering (page, API), importing, editing, moving, adding
contact details, registering someone existing, merging and undoing a merge each write exactly one
access-log entry per person changed, with the channel it came through, whichever door it came in.
No view or API endpoint writes a change entry itself (they would double it)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from familyhub.api.tests.test_people_api import FAMILY, token_client
from familyhub.audit.models import AccessLog
from familyhub.people import importing
from familyhub.people.models import Person
from familyhub.people.tests.factories import RegistrationFactory
from familyhub.people.tests.test_import import GOOD, csv_bytes
from familyhub.people.tests.test_views import date_fields, family_post, person_url
from familyhub.testing import factories

pytestmark = pytest.mark.django_db

WRITES = ("create", "change", "merge")


class Written:
    """The change entries written while the block runs: {(person pk, action, channel): count}."""

    def __enter__(self) -> Written:
        self.since = AccessLog.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        return self

    def __exit__(self, *exc) -> None:
        rows = AccessLog.objects.filter(seq__gt=self.since, action__in=WRITES)
        self.entries = Counter(rows.values_list("person_pk", "action", "channel"))
        self.people = Counter(pk for pk, _action, _channel in self.entries.elements())


def test_registering_a_family_on_the_page_logs_each_new_person_once(client, signed_in, owner):
    with Written() as written:
        response = signed_in(client, owner).post(reverse("people:register-new"), family_post())
    assert response.status_code == 302
    people = Person.objects.all()
    assert people.count() == 2
    assert written.entries == Counter({(p.pk, "create", "page"): 1 for p in people})


def test_registering_a_family_through_the_api_logs_each_new_person_once(owner, hub):
    with Written() as written:
        response = token_client(owner).post("/api/families/", FAMILY, format="json")
    assert response.status_code == 201, response.json()
    people = Person.objects.all()
    assert written.entries == Counter({(p.pk, "create", "api"): 1 for p in people})


def test_an_import_logs_each_person_it_creates_once(authority, owner, hub):
    person_import = importing.prepare_import(
        authority=authority, by=owner, filename="p.csv", data=csv_bytes(GOOD)
    )
    with Written() as written:
        importing.run_import(person_import, by=owner)
    people = Person.objects.all()
    assert people.count() == len(GOOD)
    # An import runs as a background task (people.tasks), so that is its channel.
    assert written.entries == Counter({(p.pk, "create", "task"): 1 for p in people})


def test_edits_on_the_page_log_one_change_each(client, signed_in, owner, registered_person):
    client = signed_in(client, owner)
    pk = registered_person.pk
    with Written() as edit:
        client.post(
            person_url(registered_person, "people:person-edit"),
            {
                "version": registered_person.version,
                "given_name": "Amy",
                "family_name": "Okafor",
                "sex": "F",
                **date_fields(
                    "date_of_birth", registered_person.date_of_birth.strftime("%d/%m/%Y")
                ),
            },
        )
    assert edit.entries == Counter({(pk, "change", "page"): 1})
    registered_person.refresh_from_db()
    with Written() as move:
        client.post(
            person_url(registered_person, "people:person-move"),
            {"version": registered_person.version, "line1": "9 New Rd", "postcode": "rm16 2ab"},
        )
    assert move.entries == Counter({(pk, "change", "page"): 1})
    with Written() as contact:
        client.post(
            person_url(registered_person, "people:contact-add"),
            {"kind": "mobile", "value": "07700 900123"},
        )
    assert contact.entries == Counter({(pk, "change", "page"): 1})


def test_a_refused_edit_logs_nothing(client, signed_in, owner, registered_person):
    with Written() as written:
        response = signed_in(client, owner).post(
            person_url(registered_person, "people:person-edit"),
            {"version": registered_person.version, "family_name": "", "sex": "F"},
        )
    assert response.status_code == 200
    assert not written.entries


def test_registering_someone_existing_logs_one_change(
    client, signed_in, outsider, other_team, registered_person
):
    url = reverse("people:register-existing", args=[registered_person.public_id])
    with Written() as written:
        signed_in(client, outsider).post(
            url, {"reason": "She came to the clinic today and asked to register."}
        )
    assert written.entries == Counter({(registered_person.pk, "change", "registration"): 1})


def test_a_merge_and_its_undoing_log_once_for_each_of_the_two_people(
    client, signed_in, owner, hub, registered_person
):
    duplicate = factories.PersonFactory(
        authority=registered_person.authority, given_name="Amelia", family_name="Okafor"
    )
    RegistrationFactory(person=duplicate, service=hub.service, site=hub.base)
    client = signed_in(client, owner)
    with Written() as merged:
        client.post(
            reverse(
                "people:merge-confirm", args=[registered_person.public_id, duplicate.public_id]
            ),
            {"reason": "Same child, registered twice"},
        )
    assert merged.people == Counter({registered_person.pk: 1, duplicate.pk: 1})
    assert {action for _pk, action, _ch in merged.entries} == {"merge"}
    merge = registered_person.merges_kept.get()
    with Written() as undone:
        client.post(reverse("people:merge-undo", args=[merge.public_id]), {"reason": "Twins"})
    assert undone.people == Counter({registered_person.pk: 1, duplicate.pk: 1})
