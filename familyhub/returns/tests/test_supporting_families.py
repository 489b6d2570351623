"""Supporting Families results claims for 2026/27 Q2 (families whose six months after closure
ended from 1 July to 30 September 2026): the evidence of each family, the refusals and their
reasons, and never a family claimed twice."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from familyhub.core.dates import add_months
from familyhub.referrals.models import Referral
from familyhub.returns import services, supporting_families
from familyhub.returns.models import ReturnStatus, SupportingFamiliesClaim
from familyhub.testing import factories as shared

pytestmark = pytest.mark.django_db
QUARTER = "2026/27-Q2"
CLOSED = date(2026, 2, 10)  # six months on: 10 August 2026, in the quarter


@pytest.fixture
def closed(episode):
    """A family whose episode closed with every need achieved, in its sustainment clock."""

    def make(child, **fields):
        fields.setdefault("end", CLOSED)
        return episode(
            child,
            start=date(2025, 9, 1),
            sf_eligible=True,
            sustainment_from=fields["end"],
            sustainment_until=add_months(fields["end"], 6),
            **fields,
        )

    return make


def claims_by_child(authority):
    return {
        c.person_id: c
        for c in supporting_families.assess(authority.pk, date(2026, 7, 1), date(2026, 9, 30))
    }


def test_a_family_with_all_its_evidence_is_claimed_with_it(make_child, closed, generate, authority):
    child = make_child()
    closed(child)
    claim = claims_by_child(authority)[child.pk]
    assert claim.refusals == []
    needs = {e.need for e in claim.evidence}
    assert {
        "Getting a good education",
        "Improved mental and physical health",
        "Secure housing",
    } <= needs
    data = " ".join(e.data for e in claim.evidence)
    assert "Whole-family assessment" in data and "Lead practitioner: Leo Lead" in data
    assert "Family plan: 3 goals" in data and "Sustained" in data
    assert all(e.on is not None for e in claim.evidence)
    run = generate("sf", QUARTER)
    assert run.status == ReturnStatus.VALIDATED
    assert run.counts["families claimed"] == 1
    book = load_workbook(io.BytesIO(bytes(run.file_bytes)))
    rows = list(book["Results claim"].iter_rows(values_only=True))
    assert rows[0] == tuple(supporting_families.CLAIM_HEADER)
    assert {r[3] for r in rows[1:]} >= {"Secure housing", "All"}


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"needs": ("education", "health")}, "needs", "at least three"),
        ({"assessed": False}, "assessment", "No whole-family assessment"),
        ({"with_lead": False}, "lead_professional", "No lead practitioner"),
        ({"planned": False}, "plan", "No family plan"),
        ({"outcome": "partly"}, "outcome_education", "partly achieved at closure"),
    ],
)
def test_missing_evidence_refuses_the_family_with_the_reason(
    make_child, closed, generate, authority, fields, field, reason
):
    child = make_child()
    closed(child, **fields)
    claim = claims_by_child(authority)[child.pk]
    assert any(f == field and reason in r for f, r in claim.refusals), claim.refusals
    run = generate("sf", QUARTER)
    failure = run.failures.get(person=child, field=field)
    assert reason in failure.message and not failure.blocking
    assert failure.fix_url.startswith("/casework/")
    assert run.counts["families claimed"] == 0


def test_a_new_referral_in_the_six_months_breaks_sustainment(
    make_child, closed, authority, eh_service
):
    child = make_child()
    episode = closed(child)
    Referral.objects.create(
        person=child,
        authority=authority,
        owning_service=eh_service,
        referrer_kind="school",
        referrer_name="Head teacher",
        concerns="Not attending again",
        consent="agrees",
        received_at=datetime(2026, 5, 1, 10, tzinfo=UTC),
        decision_due_at=datetime(2026, 5, 2, 10, tzinfo=UTC),
    )
    assert episode.sustainment_until == date(2026, 8, 10)
    claim = claims_by_child(authority)[child.pk]
    assert (
        "sustainment",
        "A new referral for the family during the six months after closure",
    ) in claim.refusals


def test_a_family_is_never_claimed_twice(make_child, closed, generate, authority, officer):
    household = shared.HouseholdFactory(authority=authority)
    older, younger = make_child(), make_child()
    closed(older, household=household)
    closed(younger, household=household, end=date(2026, 3, 1))  # the same family, a second episode
    run = generate("sf", QUARTER)
    assert run.counts["families claimed"] == 1
    refused = run.failures.get(person=younger, field="family")
    assert "already in this claim" in refused.message
    services.return_mark_sent(run, by=officer, version=run.version)
    assert (
        SupportingFamiliesClaim.objects.filter(family_key=f"household:{household.pk}").count() == 1
    )
    # The next claim refuses the family that has been claimed.
    again = generate("sf", QUARTER)
    assert again.counts["families claimed"] == 0
    assert (
        "Already claimed in the 2026/27 Q2 claim"
        in again.failures.get(person=older, field="family").message
    )
    # And the database refuses a second row for the family, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportingFamiliesClaim.objects.create(
            run=again,
            episode=run.claims.get().episode,
            family_key=f"household:{household.pk}",
            programme=supporting_families.PROGRAMME,
        )


def test_sending_needs_a_validated_return_on_the_version_seen(
    make_child, closed, generate, officer
):
    closed(make_child())
    run = generate("sf", QUARTER)
    with pytest.raises(ValidationError):
        services.return_mark_sent(run, by=officer, version=run.version - 1)
    sent = services.return_mark_sent(run, by=officer, version=run.version)
    assert (sent.status, sent.sent_by) == (ReturnStatus.SENT, officer)
    with pytest.raises(ValidationError):
        services.return_mark_sent(sent, by=officer, version=sent.version)
