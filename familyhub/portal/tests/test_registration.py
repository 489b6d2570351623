from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.access.models import FamilyLink
from familyhub.people.models import Person
from familyhub.portal.models import SelfRegistration

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _register(client, *, me=("Amira", "Khan"), dob=None, child=None, due=None, **extra):
    today = timezone.localdate()
    data = {
        "address_line1": "4 River Street",
        "town": "Grays",
        "postcode": "RM17 6AB",
        "me_given_name": me[0],
        "me_family_name": me[1],
        **_date("me_date_of_birth", dob or today.replace(year=today.year - 28)),
    }
    if child:
        data.update({"child1_given_name": child[0], "child1_family_name": child[1]})
        data.update(_date("child1_date_of_birth", child[2]))
    if due:
        data.update({"baby_family_name": me[1], **_date("baby_due", due)})
    data.update(extra)
    return client.post(reverse("portal:register"), data)


def test_a_family_registers_itself_and_an_expected_baby_waits_for_reception(
    client, door, family_sign_in, signed_in
):
    user = family_sign_in(client, "amira@example.org")
    due = timezone.localdate() + datetime.timedelta(days=60)
    assert _register(client, due=due).status_code == 302
    registration = SelfRegistration.objects.get()
    assert [p.kind for p in registration.people.all()] == ["me", "expected"]
    assert not Person.objects.filter(family_name="Khan").exists()  # nothing in the register yet

    staff = type(client)()
    signed_in(staff, door.reception)
    url = reverse("portal_staff:registration", args=[registration.public_id])
    assert "Amira" in staff.get(url).content.decode()
    assert "Say how you checked" in staff.post(url, {}).content.decode()
    response = staff.post(url, {"how_confirmed": "in_person"})
    assert response.status_code == 302, response.content.decode()[:3000]
    amira = Person.objects.get(given_name="Amira", family_name="Khan")
    baby = Person.objects.get(family_name="Khan", is_unborn=True)
    assert baby.expected_date_of_delivery == due
    link = FamilyLink.objects.get(user=user)
    assert link.person == amira and link.relationship == "parent"
    home = client.get(reverse("portal:home")).content.decode()
    assert "Amira Khan" in home and "Unborn baby Khan" in home


def test_someone_already_on_the_register_is_never_registered_twice(
    client, door, family_sign_in, signed_in
):
    family_sign_in(client, "jane2@example.org")
    _register(
        client,
        me=("Jane", "Walker"),
        dob=door.parent.date_of_birth,
        postcode="RM17 5DQ",
        child=("Tom", "Walker", door.child.date_of_birth),
    )
    registration = SelfRegistration.objects.get()
    staff = type(client)()
    signed_in(staff, door.reception)
    url = reverse("portal_staff:registration", args=[registration.public_id])
    page = staff.get(url).content.decode()
    assert str(door.parent.public_id) in page and str(door.child.public_id) in page
    rows = list(registration.people.all())
    # Reception must choose: leaving a likely match unchosen is refused, naming the person.
    refused = staff.post(url, {"how_confirmed": "in_person"}).content.decode()
    assert "Choose a record for Jane Walker" in refused
    before = Person.objects.count()
    response = staff.post(
        url,
        {
            "how_confirmed": "in_person",
            f"member_{rows[0].pk}": str(door.parent.public_id),
            f"member_{rows[1].pk}": str(door.child.public_id),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Person.objects.count() == before


def test_bad_registration_input_is_named(client, door, family_sign_in):
    family_sign_in(client, "amira@example.org")
    past = timezone.localdate() - datetime.timedelta(days=3)
    response = _register(client, due=past, postcode="not a postcode", child1_given_name="Sami")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter their last name" in body and "Enter their date of birth" in body
    assert not SelfRegistration.objects.exists()
    response = _register(client, due=past)
    body = response.content.decode()
    assert "Enter the date the baby is due, today or later" in body or "postcode" in body.lower()
    assert not SelfRegistration.objects.exists()
