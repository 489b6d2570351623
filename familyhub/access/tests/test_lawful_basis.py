"""Sharing on a lawful basis (issue 20, item 5): every share records its basis, the s.16LA duty
without consent asks for the safeguarding reason, consent needs a recorded consent, special
category data needs an Article 9 condition, and a decision not to share says why sharing would
be more detrimental to the child and waits for the information governance lead's review."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from familyhub.access import layer, services
from familyhub.access.models import (
    Article9Condition,
    Basis,
    Consent,
    DecisionNotToShare,
    DecisionReview,
    Share,
    SharingAgreement,
)
from familyhub.access.records import Category
from familyhub.audit.models import AccessLog
from familyhub.testing.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

SAFEGUARDING = "Bruising seen on the child's arm at the stay and play session today."
DETRIMENT = (
    "Mum is fleeing an abusive partner who works at the surgery; sharing would tell him where "
    "the child is."
)


def _share(world, **kwargs):
    args = {
        "person": world.child,
        "by": world.owner,
        "owning_service": world.hub,
        "reason": "The health visitor is seeing the family next week",
        "recipient_team": world.health_team,
        "category": Category.GENERAL,
    }
    return services.share_create(**(args | kwargs))


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- the rules ---------------------------------------------------------------------------


def test_the_duty_without_consent_asks_for_the_safeguarding_reason(world):
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.DUTY_TO_SHARE)
    assert "safeguarding_reason" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.DUTY_TO_SHARE, safeguarding_reason="concern")
    assert "safeguarding_reason" in _errors(excinfo)
    share = _share(world, basis=Basis.DUTY_TO_SHARE, safeguarding_reason=SAFEGUARDING)
    assert share.basis == "duty_to_share" and share.safeguarding_reason == SAFEGUARDING
    assert share.consent is None


def test_the_duty_with_consent_needs_no_safeguarding_reason(world):
    consent = services.consent_record(
        person=world.child, by=world.owner, given=True, method="verbal"
    )
    share = _share(world, basis=Basis.DUTY_TO_SHARE)
    assert share.safeguarding_reason == "" and share.consent == consent


def test_consent_as_the_basis_needs_a_recorded_unwithdrawn_consent(world):
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.CONSENT)
    assert "basis" in _errors(excinfo)
    # A refusal is not consent.
    services.consent_record(person=world.child, by=world.owner, given=False, method="verbal")
    with pytest.raises(ValidationError):
        _share(world, basis=Basis.CONSENT)
    consent = services.consent_record(
        person=world.child, by=world.owner, given=True, method="written"
    )
    share = _share(world, basis=Basis.CONSENT)
    assert share.consent == consent
    services.consent_withdraw(consent=consent, by=world.owner, note="Changed her mind")
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.CONSENT)
    assert "basis" in _errors(excinfo)


def test_consent_to_share_with_another_service_does_not_cover_this_one(world):
    services.consent_record(
        person=world.child, by=world.owner, given=True, method="verbal", services=[world.other]
    )
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.CONSENT)
    assert "basis" in _errors(excinfo)
    # Consent is the person's own: the mother's consent is not the child's.
    Consent.objects.all().delete()
    services.consent_record(person=world.mum, by=world.owner, given=True, method="verbal")
    with pytest.raises(ValidationError):
        _share(world, basis=Basis.CONSENT)


@pytest.mark.parametrize(
    "category",
    [
        Category.HEALTH,
        Category.MENTAL_HEALTH,
        Category.SEXUAL_HEALTH,
        Category.SEXUAL_VIOLENCE,
        Category.SUBSTANCE_USE,
        "",  # everything the service holds may hold special category data
    ],
)
def test_special_category_data_needs_an_article_9_condition(world, category):
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.PUBLIC_TASK, category=category)
    assert "article9_condition" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis=Basis.PUBLIC_TASK, category=category, article9_condition="9_2_z")
    assert "article9_condition" in _errors(excinfo)
    share = _share(
        world,
        basis=Basis.PUBLIC_TASK,
        category=category,
        article9_condition=Article9Condition.SAFEGUARDING_CHILDREN,
    )
    assert share.article9_condition == "9_2_g_sch1_18"


def test_general_information_needs_no_article_9_condition(world):
    for category in (Category.GENERAL, Category.SAFEGUARDING, Category.DOMESTIC_ABUSE):
        assert _share(world, basis=Basis.PUBLIC_TASK, category=category).article9_condition == ""


def test_one_record_takes_its_own_category_for_the_article_9_rule(world, make_user):
    health_visitor = world.health_visitor
    with pytest.raises(ValidationError) as excinfo:
        services.share_create(
            person=world.child,
            by=health_visitor,
            owning_service=world.health,
            reason="Handover",
            recipient_team=world.hub_team,
            record=world.health_note,
            basis=Basis.PUBLIC_TASK,
        )
    assert "article9_condition" in _errors(excinfo)


def test_explicit_consent_as_the_condition_needs_the_consent_recorded(world):
    with pytest.raises(ValidationError) as excinfo:
        _share(
            world,
            basis=Basis.PUBLIC_TASK,
            category=Category.HEALTH,
            article9_condition=Article9Condition.EXPLICIT_CONSENT,
        )
    assert "article9_condition" in _errors(excinfo)


def test_vital_interests_is_a_basis_and_an_unknown_basis_is_refused(world):
    share = _share(
        world,
        basis=Basis.VITAL_INTERESTS,
        category=Category.HEALTH,
        article9_condition=Article9Condition.VITAL_INTERESTS,
    )
    assert share.get_basis_display().startswith("Vital interests")
    with pytest.raises(ValidationError) as excinfo:
        _share(world, basis="safeguarding")
    assert "basis" in _errors(excinfo)


def test_a_share_is_logged_with_its_basis(world):
    before = AccessLog.objects.count()
    share = _share(world, basis=Basis.DUTY_TO_SHARE, safeguarding_reason=SAFEGUARDING)
    entry = AccessLog.objects.order_by("-seq").first()
    assert AccessLog.objects.count() == before + 1
    assert entry.person_pk == world.child.pk and "duty_to_share" in entry.detail
    assert str(share.public_id) in entry.detail


# --- the old "safeguarding" basis ---------------------------------------------------------


def test_the_migration_maps_the_old_safeguarding_basis_to_the_duty(world):
    share = _share(world, basis=Basis.PUBLIC_TASK)
    agreement = SharingAgreement.objects.create(
        name="Old safeguarding line", owner_service=world.hub, categories=["safeguarding"]
    )
    Share.objects.filter(pk=share.pk).update(basis="safeguarding")
    SharingAgreement.objects.filter(pk=agreement.pk).update(basis="safeguarding")
    migration = importlib.import_module(
        "familyhub.access.migrations.0009_lawful_basis_and_chronology"
    )
    migration.safeguarding_to_duty(django_apps, None)
    share.refresh_from_db()
    agreement.refresh_from_db()
    assert share.basis == agreement.basis == Basis.DUTY_TO_SHARE
    migration.duty_to_safeguarding(django_apps, None)
    share.refresh_from_db()
    assert share.basis == "safeguarding"


# --- decisions not to share and their review ----------------------------------------------


def _decide(world, **kwargs):
    args = {
        "person": world.mum,
        "by": world.owner,
        "owning_service": world.hub,
        "reason": "Mum asked us not to share",
        "detriment": DETRIMENT,
        "recipient_service": world.health,
    }
    return services.decision_not_to_share_record(**(args | kwargs))


def test_a_decision_not_to_share_says_why_sharing_would_be_more_detrimental(world):
    with pytest.raises(ValidationError) as excinfo:
        _decide(world, detriment="")
    assert "detriment" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _decide(world, detriment="harm")
    assert "detriment" in _errors(excinfo)
    decision = _decide(world)
    assert decision.detriment == DETRIMENT
    assert decision.review_outcome == DecisionReview.PENDING and decision.reviewed_at is None


def test_only_the_information_governance_lead_reviews_and_not_their_own(world, make_user):
    decision = _decide(world)
    with pytest.raises(PermissionDenied):
        services.decision_review(decision=decision, by=world.owner, uphold=True)
    with pytest.raises(PermissionDenied):
        services.decision_review(decision=decision, by=world.health_visitor, uphold=False)


def test_overturning_a_decision_ends_it_and_restores_sharing(world):
    RegistrationFactory(person=world.mum, service=world.health, registered_at=timezone.now())
    SharingAgreement.objects.create(
        name="Hub general to all", owner_service=world.hub, categories=["general"]
    )
    notes = type(world.hub_note).objects.filter(pk=world.hub_note.pk)
    assert layer.records_visible_to(world.health_visitor, notes).exists()
    decision = _decide(world)
    assert not layer.records_visible_to(world.health_visitor, notes).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.decision_review(decision=decision, by=world.ig, uphold=False, note="")
    assert "note" in _errors(excinfo)
    reviewed = services.decision_review(
        decision=decision, by=world.ig, uphold=False, note="No evidence the partner is there"
    )
    assert reviewed.review_outcome == DecisionReview.OVERTURNED
    assert reviewed.ended_at is not None and reviewed.reviewed_by == world.ig
    assert layer.records_visible_to(world.health_visitor, notes).exists()
    # Reviewed once: a second verdict is refused, not written over the first.
    with pytest.raises(ValidationError) as excinfo:
        services.decision_review(decision=decision, by=world.ig, uphold=True)
    assert "review" in _errors(excinfo)


def test_upholding_a_decision_keeps_it(world):
    RegistrationFactory(person=world.mum, service=world.health, registered_at=timezone.now())
    SharingAgreement.objects.create(
        name="Hub general to all", owner_service=world.hub, categories=["general"]
    )
    notes = type(world.hub_note).objects.filter(pk=world.hub_note.pk)
    decision = services.decision_review(decision=_decide(world), by=world.ig, uphold=True)
    assert decision.review_outcome == DecisionReview.UPHELD and decision.ended_at is None
    assert not layer.records_visible_to(world.health_visitor, notes).exists()
    entry = AccessLog.objects.order_by("-seq").first()
    assert entry.person_pk == world.mum.pk and "upheld" in entry.detail


# --- the pages ------------------------------------------------------------------------------


def test_the_share_form_records_the_basis_and_asks_for_the_safeguarding_reason(world, signed_in):
    client = world.client(world.owner, signed_in)
    url = f"/access/people/{world.child.public_id}/share/"
    page = client.get(url).content.decode()
    assert "Lawful basis" in page and "Article 9 condition" in page
    data = {
        "recipient_team": world.health_team.pk,
        "category": "general",
        "reason": "Home visit next week",
        "basis": "duty_to_share",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "Enter the safeguarding reason" not in ""
    assert "safeguarding reason" in response.content.decode()
    assert not Share.objects.exists()
    response = client.post(url, data | {"safeguarding_reason": SAFEGUARDING})
    assert response.status_code == 302
    share = Share.objects.get()
    assert share.basis == "duty_to_share" and share.safeguarding_reason == SAFEGUARDING
    # Health information without an Article 9 condition gets a message naming the field.
    response = client.post(url, data | {"category": "health", "basis": "public_task"})
    assert response.status_code == 200 and "Article 9 condition" in response.content.decode()
    # No basis at all.
    response = client.post(url, {k: v for k, v in data.items() if k != "basis"})
    assert "Select the lawful basis" in response.content.decode()


def test_the_decision_form_asks_why_sharing_would_be_more_detrimental(world, signed_in):
    client = world.client(world.owner, signed_in)
    url = f"/access/people/{world.mum.public_id}/decide-not-to-share/"
    response = client.post(url, {"recipient_service": world.health.pk, "reason": "Mum asked"})
    assert response.status_code == 200
    assert "more detrimental to the child" in response.content.decode()
    response = client.post(
        url, {"recipient_service": world.health.pk, "reason": "Mum asked", "detriment": DETRIMENT}
    )
    assert response.status_code == 302
    assert DecisionNotToShare.objects.get().review_outcome == "pending"


def test_the_information_governance_lead_reviews_decisions_on_a_page(world, signed_in):
    decision = _decide(world)
    ig = world.client(world.ig, signed_in)
    before = AccessLog.objects.count()
    page = ig.get("/access/decisions/reviews/")
    assert page.status_code == 200
    text = page.content.decode()
    assert world.mum.display_name in text and "abusive partner" in text
    assert AccessLog.objects.filter(pk__gt=0, person_pk=world.mum.pk).count() >= 1
    assert AccessLog.objects.count() > before
    url = f"/access/decisions/reviews/{decision.public_id}/"
    assert ig.get(url).status_code == 200
    response = ig.post(url, {"verdict": "overturn", "note": ""})
    assert response.status_code == 200 and "overturned" in response.content.decode()
    response = ig.post(url, {"verdict": "overturn", "note": "The duty applies"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.review_outcome == "overturned" and decision.ended_at is not None
    # Nobody else reaches the review pages.
    for user in (world.owner, world.health_visitor, world.outsider):
        client = world.client(user, signed_in)
        assert client.get("/access/decisions/reviews/").status_code == 403
        assert client.get(url).status_code == 403
        assert client.get("/access/sharing/").status_code == 403
        assert client.get("/access/sharing/shares/?basis=consent").status_code == 403


def test_the_report_counts_shares_by_basis_and_service_and_drills_down(world, signed_in):
    _share(world, basis=Basis.DUTY_TO_SHARE, safeguarding_reason=SAFEGUARDING)
    _share(world, basis=Basis.DUTY_TO_SHARE, safeguarding_reason=SAFEGUARDING)
    _share(world, basis=Basis.PUBLIC_TASK)
    _decide(world)
    ig = world.client(world.ig, signed_in)
    before = AccessLog.objects.count()
    page = ig.get("/access/sharing/")
    text = page.content.decode()
    assert page.status_code == 200
    # Counts only: no names on the report, so nothing to log.
    assert world.child.display_name not in text and world.mum.display_name not in text
    assert AccessLog.objects.count() == before
    assert "<svg" in text and "Duty to share (s.16LA)" in text
    assert f'?basis=duty_to_share&amp;service={world.hub.pk}">2</a>' in text
    assert "Waiting for review" in text
    drill = ig.get(f"/access/sharing/shares/?basis=duty_to_share&service={world.hub.pk}")
    assert drill.status_code == 200
    assert drill.content.decode().count(world.child.display_name) == 2
    assert AccessLog.objects.filter(person_pk=world.child.pk).count() >= 1
    assert ig.get("/access/sharing/shares/?basis=nonsense").status_code == 404
    assert ig.get("/access/sharing/shares/?basis=consent&service=x").status_code == 404
