"""The identifier completeness report, the person page's offer, and who may use which page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from familyhub.audit.models import AccessLog
from familyhub.testing import factories
from familyhub.tracing import selectors
from familyhub.tracing.management.commands.pds_standin import add_register
from familyhub.tracing.models import TraceRun
from familyhub.tracing.standin import StandIn, made_up_number

pytestmark = pytest.mark.django_db


def test_the_report_shows_each_team_against_the_bar_and_the_list_to_work_through(
    world, child, client, signed_in
):
    verified = [
        child(given_name=f"V{i}", nhs_number="9000000009", nhs_number_status="01")
        for i in range(19)
    ]
    unverified = child(given_name="Una", nhs_number="", nhs_number_status="")
    factories.PersonFactory(authority=world["authority"], given_name="Elsewhere")  # not the team's
    signed_in(client, world["leader"])
    response = client.get(reverse("tracing:index"))
    assert response.status_code == 200
    shares, overall = response.context["shares"], response.context["overall"]
    assert [(s.team, s.children, s.verified) for s in shares] == [("Grays health visitors", 20, 19)]
    assert shares[0].share == pytest.approx(95.0) and shares[0].meets_bar
    assert (overall.children, overall.verified) == (20, 19)
    listed = [person for person, _ in response.context["rows"]]
    assert listed == [unverified]
    page = response.content.decode()
    assert "Una" in page and "Elsewhere" not in page
    assert "Go-live bar" in page  # the chart's target line
    shown = AccessLog.objects.filter(person_pk=unverified.pk, action="read")
    assert shown.filter(purpose="Identifier completeness: children to trace").exists()
    assert not AccessLog.objects.filter(person_pk=verified[0].pk, action="read").exists()


def test_a_team_short_of_the_bar_says_how_many_to_go(world, child):
    for i in range(3):
        child(
            given_name=f"C{i}", nhs_number_status="01" if i == 0 else "02", nhs_number="9000000009"
        )
    shares, _ = selectors.completeness(world["leader"])
    assert shares[0].share == pytest.approx(100 / 3)
    assert not shares[0].meets_bar and shares[0].to_go == 2


def test_adults_and_the_unborn_are_not_counted(world, child):
    child(given_name="Adult", date_of_birth="1990-01-01")
    child(
        given_name="Unborn",
        date_of_birth=None,
        is_unborn=True,
        expected_date_of_delivery="2030-01-01",
    )
    child(given_name="Baby")
    shares, overall = selectors.completeness(world["leader"])
    assert shares[0].children == 1 and overall.children == 1


def test_the_person_page_offers_a_trace(world, child, client, signed_in):
    jane = child()
    signed_in(client, world["visitor"])
    page = client.get(reverse("people:person", args=[jane.public_id])).content.decode()
    assert "Trace the NHS number" in page
    assert reverse("tracing:person", args=[jane.public_id]) in page


@pytest.mark.parametrize("role", ["commissioner", "administrator", "ig_lead"])
def test_roles_without_records_may_not_see_the_pages(world, make_user, client, signed_in, role):
    signed_in(client, make_user(role, team=world["team"]))
    assert client.get(reverse("tracing:index")).status_code == 403
    assert client.get(reverse("tracing:reviews")).status_code == 403


def test_only_managers_start_the_trace_of_everyone(world, child, client, signed_in):
    child()
    signed_in(client, world["visitor"])
    assert client.post(reverse("tracing:run-start")).status_code == 403
    signed_in(client, world["leader"])
    response = client.post(reverse("tracing:run-start"))
    run = TraceRun.objects.get()
    assert response.url == reverse("core:job-progress", args=[run.job.public_id])
    again = client.post(reverse("tracing:run-start"), follow=True)
    assert "already running" in again.content.decode()
    assert TraceRun.objects.count() == 1


def test_the_command_queues_a_run(world, child):
    child()
    call_command("trace_nhs_numbers", "--authority", world["authority"].code)
    run = TraceRun.objects.get()
    assert run.total == 1 and run.started_by is None


def test_the_demo_standin_knows_most_of_the_register(world, child):
    people = [child(given_name=f"P{i}", nhs_number="") for i in range(40)]
    with StandIn(with_sandbox_patients=False) as standin:
        held = add_register(standin)
    assert 25 <= held <= 40 and held == len(standin.patients)
    assert len({made_up_number(str(p.public_id)) for p in people}) == 40
