"""The family viewer (access.layer's family rules): who a family account sees, which records,
protected addresses, consent withdrawn on the family side, and who has looked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from familyhub.access import layer, services
from familyhub.access.models import (
    Basis,
    BreakGlass,
    Consent,
    ConsentMethod,
    SharedNote,
    SharingAgreement,
)
from familyhub.access.records import Category
from familyhub.accounts.roles import Role
from familyhub.audit.log import log_shown
from familyhub.testing.factories import ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db

SHOWN_CATEGORIES = {Category.GENERAL, Category.HEALTH}


def test_a_parent_sees_themselves_and_their_child_never_the_other_adult(family_world):
    w = family_world
    assert set(layer.family_people(w.account)) == {w.mum, w.child}


def test_staff_and_unlinked_accounts_see_nothing_on_the_family_side(family_world, make_user):
    w = family_world
    notes = SharedNote.objects.all()
    assert not layer.family_records(w.worker, notes).exists()
    assert not layer.family_records(make_user(Role.FAMILY), notes).exists()


def test_only_notes_marked_for_the_family_in_categories_the_family_side_shows(family_world):
    w = family_world
    seen = set(
        layer.family_records(w.account, SharedNote.objects.all()).values_list("title", flat=True)
    )
    expected = {w.titles[("child", str(c), True)] for c in SHOWN_CATEGORIES} | {
        w.titles[("mum", "general", True)]
    }
    assert seen == expected


def test_the_hidden_categories_include_every_sensitive_one(settings):
    settings.FAMILYHUB_EXTRA_SENSITIVE_CATEGORIES = ["youth_justice"]
    hidden = layer.family_hidden_categories()
    assert {
        "safeguarding",
        "domestic_abuse",
        "sexual_violence",
        "sexual_health",
        "mental_health",
        "substance_use",
        "youth_justice",
    } <= hidden
    settings.FAMILYHUB_FAMILY_HIDDEN_CATEGORIES = ["substance_use"]
    assert "safeguarding" not in layer.family_hidden_categories()
    assert "domestic_abuse" in layer.family_hidden_categories()


def test_a_protected_address_is_withheld_from_the_person_it_protects_against(
    family_world, make_user
):
    w = family_world
    dads_account = make_user(Role.FAMILY)
    w.link(dads_account, w.dad)
    assert set(layer.family_people(dads_account)) == {w.dad, w.child}
    assert layer.family_contact_details(dads_account, w.child).withheld
    assert layer.family_contact_details(dads_account, w.child).address_lines == ()
    assert not layer.family_contact_details(dads_account, w.dad).withheld
    # Mum, whom nothing protects the child from, sees the child's address and phone.
    mums_view = layer.family_contact_details(w.account, w.child)
    assert not mums_view.withheld and "1 Safe Street" in mums_view.address_lines
    assert ("Mobile phone", "07700 900123") in mums_view.contacts
    # Mum's own address is protected from Dad, not from herself.
    assert not layer.family_contact_details(w.account, w.mum).withheld


def test_a_protection_from_everyone_withholds_it_from_every_other_account(family_world):
    from familyhub.access.models import AddressProtection

    w = family_world
    AddressProtection.objects.create(person=w.child, reason="Refuge", recorded_by=w.worker)
    assert layer.family_contact_details(w.account, w.child).withheld


def test_an_ended_link_sees_nothing_at_once(family_world):
    w = family_world
    link = w.account.family_links.get()
    services.end_family_link(link, by=w.account)
    assert not layer.family_people(w.account).exists()
    assert not layer.family_records(w.account, SharedNote.objects.all()).exists()


def test_withdrawing_consent_on_the_family_side_stops_a_practitioner_relying_on_it_at_once(
    family_world, make_user, authority
):
    w = family_world
    other = ServiceFactory(authority=authority, name="Parenting service")
    practitioner = make_user(Role.FAMILY_SUPPORT_WORKER, team=TeamFactory(service=other))
    SharingAgreement.objects.create(
        name="Hub to parenting on consent",
        owner_service=w.hub,
        recipient_service=other,
        categories=["general"],
        basis=Basis.CONSENT,
    )
    # The parenting service sees the child through an explicit share made on consent.
    consent = Consent.objects.create(person=w.child, given=True, method=ConsentMethod.WRITTEN)
    services.share_create(
        person=w.child,
        by=w.worker,
        owning_service=w.hub,
        recipient_service=other,
        reason="Parenting course",
        category="general",
        basis=Basis.CONSENT,
    )
    note = w.titles[("child", "general", False)]
    visible = layer.records_visible_to(practitioner, SharedNote.objects.filter(title=note))
    assert visible.exists() and layer.can_see(practitioner, w.child)
    services.family_consent_withdraw(consent=consent, by=w.account)
    assert not layer.records_visible_to(
        practitioner, SharedNote.objects.filter(title=note)
    ).exists()
    assert not layer.can_see(practitioner, w.child)


def test_a_family_cannot_withdraw_someone_elses_consent(family_world):
    w = family_world
    consent = Consent.objects.create(person=w.dad, given=True, method=ConsentMethod.WRITTEN)
    with pytest.raises(PermissionDenied):
        services.family_consent_withdraw(consent=consent, by=w.account)
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_who_has_looked_shows_service_and_role_not_names_and_break_glass_as_urgent(
    family_world, make_user, settings
):
    w = family_world
    health = ServiceFactory(authority=w.hub.authority, name="Health visiting")
    hv = make_user(
        Role.HEALTH_VISITOR,
        team=TeamFactory(service=health),
        first_name="Hattie",
        last_name="Visitor",
    )
    log_shown(hv, [w.child], purpose="Child health record")
    medic = make_user(Role.TRIAGE_OFFICER, team=TeamFactory(service=health))
    BreakGlass.objects.create(
        user=medic,
        person=w.child,
        reason="Ambulance at the door",
        expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    log_shown(medic, [w.child], purpose="Family record")
    log_shown(hv, [w.dad], purpose="Child health record")
    entries = layer.family_access_history(w.account)
    lines = [(e.who, e.what, e.person_name) for e in entries]
    assert ("Health visitor, Health visiting", "Looked at", "Cleo Dovecote") in lines
    assert (
        "Front door (triage) officer, Health visiting",
        "Urgent access for safeguarding",
        "Cleo Dovecote",
    ) in lines
    assert all(e.person_name != "Dan Dovecote" for e in entries)
    assert not any("Hattie" in (e.staff_name + e.who) for e in entries)
    settings.FAMILYHUB_FAMILY_SEES_STAFF_NAMES = True
    assert any(e.staff_name == "Hattie Visitor" for e in layer.family_access_history(w.account))


def test_a_question_about_an_entry_reaches_the_ig_lead(family_world):
    from familyhub.audit.models import AccessLog
    from familyhub.notifications.models import Notification

    w = family_world
    log_shown(w.worker, [w.child], purpose="Family record")
    seq = AccessLog.objects.filter(person_pk=w.child.pk).order_by("-seq").first().seq
    asked = services.access_question_ask(
        by=w.account, person=w.child, log_seq=seq, question="Who was this?"
    )
    assert Notification.objects.filter(user=w.ig, url__contains=str(asked.public_id)).exists()
    answered = services.access_question_answer(
        question=asked, by=w.ig, answer="Your family support worker, before a visit.", version=1
    )
    assert answered.answered_at is not None
    with pytest.raises(ValidationError):
        services.access_question_answer(question=asked, by=w.ig, answer="Again", version=1)
