from __future__ import annotations

import pytest
from django.urls import reverse

from familyhub.accounts.roles import STAFF_ROLES, Role
from familyhub.testing import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_role_has_a_home_page_saying_what_it_comes_for(client, make_user, signed_in, role):
    team = factories.TeamFactory(name="Health visiting, East", locality__name="East")
    user = make_user(role, team=team)
    signed_in(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert Role(role).label in body.replace("&#x27;", "'")
    assert "Health visiting, East" in body
    assert 'data-testid="home-locality">East<' in body


def test_a_person_outside_any_team_is_told_so(client, make_user, signed_in):
    signed_in(client, make_user(Role.COMMISSIONER))
    assert b"You are not in a team" in client.get(reverse("home")).content


def test_not_found_page_is_in_govuk_style(client, make_user, signed_in):
    signed_in(client, make_user(Role.RECEPTION))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"govuk-template" in response.content


def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("accounts:sign-in"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "nonce-" in policy
    assert f'nonce="{policy.split("nonce-")[1].split(chr(39))[0]}"'.encode() in response.content


def test_job_progress_is_only_for_whoever_started_it(client, make_user, signed_in):
    from familyhub.core.progress import job_advance, job_start

    owner = make_user(Role.RECEPTION)
    job = job_start(kind="import", title="Import people.csv", total=4, user=owner)
    job_advance(job, 2)
    signed_in(client, owner)
    page = client.get(reverse("core:job-progress", args=[job.public_id]))
    assert b"2 of 4" in page.content
    assert (
        client.get(reverse("core:job-progress", args=[job.public_id]) + "?format=json").json()[
            "percent"
        ]
        == 50
    )
    client.logout()
    signed_in(client, make_user(Role.RECEPTION))
    assert client.get(reverse("core:job-progress", args=[job.public_id])).status_code == 404


def test_only_the_most_specific_navigation_item_is_current(client, make_user, signed_in):
    # A team leader's menu has both "My caseload" (/casework/) and "Team caseload" (/casework/team/).
    signed_in(client, make_user(Role.TEAM_LEADER, team=factories.TeamFactory()))
    body = client.get(reverse("casework:team-caseload")).content.decode()
    assert body.count('aria-current="page"') == 1
    current = body.split(
        'aria-current="page"><strong class="govuk-service-navigation__active-fallback">'
    )[1]
    assert current.startswith("Team caseload")


def test_the_administrator_home_links_to_the_administration_site(client, make_user, signed_in):
    admin = make_user(Role.ADMINISTRATOR)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    body = signed_in(client, admin).get(reverse("home")).content.decode()
    assert 'href="/admin/"' in body
    assert "Your administrator can add you" not in body
    assert client.get("/admin/").status_code == 200
