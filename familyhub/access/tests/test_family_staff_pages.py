"""The staff side of the family door: a case note is for colleagues unless the practitioner
says the family may read it, and a practitioner protects an address on the family side."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from familyhub.access import layer
from familyhub.access.models import AddressProtection, SharedNote
from familyhub.audit.models import AccessLog

pytestmark = pytest.mark.django_db


def test_a_note_is_for_colleagues_unless_the_practitioner_says_otherwise(family_world, signed_in):
    w = family_world
    staff = signed_in(Client(), w.worker)
    url = reverse("access:note-new", args=[w.child.public_id])
    page = staff.get(url).content.decode()
    assert "Can the family read this note on their side?" in page
    staff.post(url, {"title": "Quiet note", "body": "", "category": "general"})
    staff.post(url, {"title": "Open note", "body": "", "category": "general", "for_family": "yes"})
    assert not SharedNote.objects.get(title="Quiet note").for_family
    assert SharedNote.objects.get(title="Open note").for_family
    seen = set(
        layer.family_records(w.account, SharedNote.objects.all()).values_list("title", flat=True)
    )
    assert "Open note" in seen and "Quiet note" not in seen


def test_protecting_an_address_from_a_household_member(family_world, signed_in):
    w = family_world
    AddressProtection.objects.all().delete()
    staff = signed_in(Client(), w.worker)
    url = reverse("access:protect-address", args=[w.child.public_id])
    page = staff.get(url).content.decode()
    assert "Dan Dovecote" in page and "Mel Dovecote" in page
    bad = staff.post(url, {"from_person": str(w.dad.public_id), "reason": ""})
    assert "why the address is protected" in bad.content.decode()
    response = staff.post(
        url, {"from_person": str(w.dad.public_id), "reason": "Dad left after domestic abuse"}
    )
    assert response.status_code == 302
    protection = AddressProtection.objects.get()
    assert protection.from_person == w.dad and protection.person == w.child
    assert AccessLog.objects.filter(
        user=w.worker, person_pk=w.child.pk, purpose="Protect an address on the family side"
    ).exists()


def test_a_contact_can_be_marked_for_the_family(family_world, signed_in):
    from familyhub.contacts.models import Contact

    w = family_world
    staff = signed_in(Client(), w.worker)
    url = reverse("contacts:new", args=[w.child.public_id])
    response = staff.get(url)
    assert "Can the family read this on their side?" in response.content.decode()
    from datetime import date

    today = date.today()
    staff.post(
        url,
        {
            "contact_on_day": today.day,
            "contact_on_month": today.month,
            "contact_on_year": today.year,
            "kind": "home_visit",
            "seen": [w.child.pk],
            "discussed": "Sleep and reading",
            "agreed": "Bedtime story every night",
            "for_family": "yes",
        },
    )
    contact = Contact.objects.get(person=w.child)
    assert contact.for_family
    assert layer.family_records(w.account, Contact.objects.all()).filter(pk=contact.pk).exists()
