"""Two triage officers deciding the same referral at once: one wins, the other is refused.

On PostgreSQL the two decisions run on two real connections in two threads. The stale-version
path (the second officer opened the page before the first decided) runs on every database in
test_services and test_views.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from familyhub.casework.models import Episode
from familyhub.referrals.models import Referral, ReferralEvent, ReferralStatus
from familyhub.referrals.services import DecisionConflict, referral_decide
from familyhub.referrals.tests.factories import build_world, level, make_referral

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two real connections need PostgreSQL"
)


def _run_in_threads(*targets):
    errors: list[BaseException] = []

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as error:  # reported by the main thread
                errors.append(error)
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_one_is_refused():
    world = build_world()
    referral = make_referral(world)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def officer(user, outcome, team):
        def decide():
            mine = Referral.objects.get(pk=referral.pk)  # both read version 1
            start.wait()
            try:
                referral_decide(
                    referral=mine,
                    by=user,
                    version=mine.version,
                    outcome=outcome,
                    level=level(3) if team else level(1),
                    reason=f"Decided by {user.username}",
                    team=team,
                )
                outcomes[user.username] = "decided"
            except DecisionConflict:
                outcomes[user.username] = "refused"

        return decide

    _run_in_threads(
        officer(world.triage, "allocated", world.central),
        officer(world.triage2, "nfa", None),
    )
    assert sorted(outcomes.values()) == ["decided", "refused"]
    winner = next(name for name, result in outcomes.items() if result == "decided")
    referral.refresh_from_db()
    assert referral.decided_by.username == winner
    assert referral.version == 2
    assert ReferralEvent.objects.filter(referral=referral).count() == 2
    assert Episode.objects.filter(referral=referral).count() == (1 if winner == "triage" else 0)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_second_decision_waits_for_the_first_then_is_refused():
    """The first decision's transaction is still open when the second arrives: PostgreSQL makes
    the second UPDATE wait for the row, re-check (status, version) and match nothing."""
    world = build_world()
    referral = make_referral(world)
    first_holds_lock = threading.Event()
    results: dict[str, str] = {}

    def first():
        with transaction.atomic():
            referral_decide(
                referral=Referral.objects.get(pk=referral.pk),
                by=world.triage,
                version=1,
                outcome="nfa",
                level=level(1),
                reason="First.",
            )
            first_holds_lock.set()
            time.sleep(0.5)  # keep the row locked while the second tries
        results["first"] = "decided"

    def second():
        first_holds_lock.wait(timeout=30)
        try:
            referral_decide(
                referral=referral,
                by=world.triage2,
                version=1,
                outcome="signposted",
                level=level(2),
                reason="Second.",
            )
            results["second"] = "decided"
        except DecisionConflict:
            results["second"] = "refused"

    _run_in_threads(first, second)
    assert results == {"first": "decided", "second": "refused"}
    referral.refresh_from_db()
    assert (
        referral.status == ReferralStatus.NO_FURTHER_ACTION and referral.decision_reason == "First."
    )
