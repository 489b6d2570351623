"""Dashboards, drill-downs, exports, framework editing and the background refresh."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from familyhub.accounts.roles import Role
from familyhub.audit.models import AccessLog
from familyhub.childhealth.schedule import ReviewKind
from familyhub.core.models import Job
from familyhub.outcomes.aggregation import refresh
from familyhub.outcomes.frameworks import ensure_shipped_frameworks
from familyhub.outcomes.models import IndicatorTarget, IndicatorValue, OutcomeArea, OutcomeFramework
from familyhub.outcomes.tests.conftest import TODAY
from familyhub.testing import factories as shared
from familyhub.testing.factories import RegistrationFactory

pytestmark = pytest.mark.django_db
KEY = "new_birth_visit_14_days"
FRAMEWORK = "county-five-objectives"


@pytest.fixture
def frameworks(db):
    ensure_shipped_frameworks()


@pytest.fixture
def figures(frameworks, authority, make_child, review, hv_service, deprived, affluent):
    """Nine children in the deprived ward (3 visited in time), 2 in the affluent one (both)."""
    children = []
    for i in range(9):
        child = make_child(date_of_birth=date(2025, 4, 1 + i), given_name=f"Child{i}")
        if i < 3:
            review(child, ReviewKind.NEW_BIRTH, date(2025, 4, 10 + i))
        children.append(child)
    for i in range(2):
        child = make_child(date_of_birth=date(2025, 4, 1 + i), area=affluent)
        review(child, ReviewKind.NEW_BIRTH, date(2025, 4, 10 + i))
    RegistrationFactory(person=children[0], service=hv_service, registered_at=timezone.now())
    refresh(authority.pk, quarters=2, years=1, today=TODAY)
    return children


@pytest.fixture
def commissioner(make_user):
    return make_user(Role.COMMISSIONER, username="commissioner")


@pytest.fixture
def owner(make_user, hv_team):
    """A team leader of the health visiting team that registered a child."""
    return make_user(Role.TEAM_LEADER, team=hv_team, username="leader")


@pytest.fixture
def outsider(make_user, authority):
    team = shared.TeamFactory(
        service=shared.ServiceFactory(authority=authority, name="Youth service"),
        locality=shared.LocalityFactory(authority=authority, name="East"),
    )
    return make_user(Role.TEAM_LEADER, team=team, username="other_leader")


@pytest.mark.parametrize(
    "role", [Role.COMMISSIONER, Role.SERVICE_MANAGER, Role.TEAM_LEADER, Role.ADMINISTRATOR]
)
def test_dashboard_roles_see_every_page(client, signed_in, make_user, figures, deprived, role):
    signed_in(client, make_user(role))
    for url in (
        reverse("outcomes:index"),
        reverse("outcomes:framework", args=[FRAMEWORK]),
        reverse("outcomes:indicator", args=[KEY]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.HEALTH_VISITOR, Role.RECEPTION, Role.IG_LEAD])
def test_practitioners_cannot_see_dashboards(client, signed_in, make_user, figures, role):
    signed_in(client, make_user(role))
    assert client.get(reverse("outcomes:index")).status_code == 403
    assert client.get(reverse("outcomes:framework", args=[FRAMEWORK])).status_code == 403
    assert client.get(reverse("outcomes:export", args=[FRAMEWORK, "csv"])).status_code == 403


def test_framework_page_shows_value_target_trend_and_gap(client, signed_in, commissioner, figures):
    signed_in(client, commissioner)
    page = client.get(reverse("outcomes:framework", args=[FRAMEWORK])).content.decode()
    assert "Safe from harm" in page and "New birth visits within 14 days" in page
    assert "45.5%" in page  # 5 of 11
    assert "5 of 11" in page
    assert "Target" in page and "95.0%" in page
    assert "<svg" in page and "<title>" in page  # the trend chart, with a text alternative
    assert "Show the data as a table" in page  # the table behind it
    # Gap: quintile 1 is 3 of 9 = 33.3%, quintile 5 is 2 of 2 = 100%: difference -66.7 points.
    assert "-66.7" in page


def test_indicator_page_lists_wards_most_deprived_first(
    client, signed_in, commissioner, figures, deprived, affluent
):
    signed_in(client, commissioner)
    page = client.get(reverse("outcomes:indicator", args=[KEY])).content.decode()
    assert page.index("Low Street") < page.index("High Park")
    assert "12.1 to 64.6" in page  # Wilson 95% interval of 3 of 9, in percent
    assert reverse("outcomes:area-people", args=[KEY, "W1"]) in page  # the drill-down link
    assert "By deprivation quintile" in page
    assert client.get(reverse("outcomes:indicator", args=["no_such"])).status_code == 404


def test_indicator_page_shows_each_chart_with_its_figures_as_a_table(
    client, signed_in, commissioner, figures
):
    signed_in(client, commissioner)
    page = client.get(reverse("outcomes:indicator", args=[KEY])).content.decode()
    trend, wards = (
        page.index("the last 2 quarters</title>"),
        page.index("most deprived first</title>"),
    )
    # The trend, then its table (under "Show the data as a table"); the wards, then theirs.
    assert (
        trend
        < page.index('data-testid="trend-table"')
        < wards
        < page.index('data-testid="area-table"')
    )
    assert ">2025/26<" in page and ">Q1<" in page  # the chart's quarters carry their year
    assert ">Per cent (%)<" in page and 'class="fh-chart__target"' in page
    assert "12.1 to 64.6" in page  # the ward table's interval, as the chart's whisker


def test_people_drill_down_goes_through_the_access_layer(
    client, signed_in, owner, outsider, commissioner, figures, deprived
):
    url = reverse("outcomes:area-people", args=[KEY, deprived.code])
    # Owner: the team that registered Child0 sees that child only, and the read is logged.
    signed_in(client, owner)
    page = client.get(url).content.decode()
    assert "Child0" in page and "Child1" not in page
    assert "2 of them are not shown" in page  # 3 in the numerator, 1 visible
    entry = AccessLog.objects.filter(user=owner).latest("pk")
    assert entry.channel == "report" and entry.person_pk == figures[0].pk
    # Outsider: another service's team leader sees no one.
    signed_in(client, outsider)
    page = client.get(url).content.decode()
    assert "Child0" not in page and "3 of them are not shown" in page
    # Commissioner: aggregates only, never people.
    signed_in(client, commissioner)
    page = client.get(url).content.decode()
    assert "Child0" not in page and "There is no one here you may see" in page


def _csv(client, publication=False):
    url = reverse("outcomes:export", args=[FRAMEWORK, "csv"]) + (
        "?publication=1" if publication else ""
    )
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_internal_and_for_publication(client, signed_in, commissioner, figures):
    signed_in(client, commissioner)
    rows = _csv(client)
    quarter = [r for r in rows if r["indicator"] == KEY and r["period"] == "2025/26 Q1"]
    by = {(r["breakdown"], r["group"]): (r["numerator"], r["denominator"]) for r in quarter}
    assert by[("All", "All")] == ("5", "11")
    assert by[("Ward or area", "Low Street")] == ("3", "9")
    assert by[("Ward or area", "High Park")] == ("2", "2")
    published = _csv(client, publication=True)
    quarter = [r for r in published if r["indicator"] == KEY and r["period"] == "2025/26 Q1"]
    by = {
        (r["breakdown"], r["group"]): (r["numerator"], r["denominator"], r["rate"]) for r in quarter
    }
    assert by[("All", "All")] == ("5", "11", "45.5")
    # High Park 2/2 is primary; Low Street is hidden too, or it would give High Park away.
    assert by[("Ward or area", "High Park")] == ("*", "*", "*")
    assert by[("Ward or area", "Low Street")] == ("*", "*", "*")
    hidden = next(r for r in quarter if r["group"] == "Low Street")
    assert (hidden["ci_95_lower"], hidden["ci_95_upper"]) == ("*", "*")  # no interval gives it away


def test_csv_export_has_the_confidence_interval_the_page_shows(
    client, signed_in, commissioner, figures
):
    signed_in(client, commissioner)
    page = client.get(reverse("outcomes:indicator", args=[KEY])).content.decode()
    assert "12.1 to 64.6" in page  # Low Street: 3 of 9
    rows = _csv(client)
    low = next(
        r
        for r in rows
        if r["indicator"] == KEY and r["period"] == "2025/26 Q1" and r["group"] == "Low Street"
    )
    assert (low["rate"], low["ci_95_lower"], low["ci_95_upper"]) == ("33.3", "12.1", "64.6")


def test_exports_sort_deciles_by_number_and_keep_a_formula_as_text(
    client, signed_in, commissioner, frameworks, authority, deprived
):
    deprived.name = '=HYPERLINK("http://evil.example","Low Street")'
    deprived.save()
    now = timezone.now()
    for breakdown, ids in (
        ("decile", ["10", "2", "unknown", "1", "9", "3"]),
        ("area", [str(deprived.pk)]),
    ):
        for breakdown_id in ids:
            IndicatorValue.objects.create(
                authority=authority,
                indicator_key=KEY,
                period_start=date(2025, 4, 1),
                period_end=date(2025, 6, 30),
                breakdown=breakdown,
                breakdown_id=breakdown_id,
                numerator=3,
                denominator=9,
                computed_at=now,
            )
    signed_in(client, commissioner)
    rows = _csv(client)
    deciles = [r["group"] for r in rows if r["breakdown"] == "Deprivation decile"]
    assert deciles == [
        "Decile 1 (most deprived)",
        "Decile 2",
        "Decile 3",
        "Decile 9",
        "Decile 10",
        "Not known",
    ]
    ward = next(r for r in rows if r["breakdown"] == "Ward or area")
    assert ward["group"] == '\'=HYPERLINK("http://evil.example","Low Street")'
    response = client.get(reverse("outcomes:export", args=[FRAMEWORK, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[4] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example","Low Street")' in cells
    assert [c for c in cells if str(c).startswith("Decile")][:3] == [
        "Decile 1 (most deprived)",
        "Decile 2",
        "Decile 3",
    ]


def test_xlsx_export_contents(client, signed_in, commissioner, figures):
    signed_in(client, commissioner)
    response = client.get(reverse("outcomes:export", args=[FRAMEWORK, "xlsx"]) + "?publication=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "publication" in rows[0][0]
    assert rows[1][:3] == ("indicator", "title", "period")
    wanted = [r for r in rows[2:] if r[0] == KEY and r[2] == "2025/26 Q1" and r[3] == "All"]
    assert wanted[0][5:10] == (5, 11, 45.5, 21.3, 72.0)
    ward = [r for r in rows[2:] if r[0] == KEY and r[2] == "2025/26 Q1" and r[4] == "Low Street"]
    assert ward[0][5] == "*"


def test_framework_editing_in_the_admin(client, signed_in, make_user, commissioner, figures):
    admin_user = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    signed_in(client, admin_user)
    response = client.post(
        reverse("admin:outcomes_outcomeframework_add"),
        {
            "slug": "our-own",
            "name": "Our own outcomes",
            "description": "",
            "source": "",
            "order": 5,
            "areas-TOTAL_FORMS": 1,
            "areas-INITIAL_FORMS": 0,
            "areas-MIN_NUM_FORMS": 0,
            "areas-MAX_NUM_FORMS": 1000,
            "areas-0-name": "Babies thrive",
            "areas-0-description": "",
            "areas-0-order": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    area = OutcomeArea.objects.get(framework__slug="our-own")
    response = client.post(
        reverse("admin:outcomes_outcomearea_change", args=[area.pk]),
        {
            "framework": area.framework.pk,
            "name": "Babies thrive",
            "description": "",
            "order": 1,
            "links-TOTAL_FORMS": 1,
            "links-INITIAL_FORMS": 0,
            "links-MIN_NUM_FORMS": 0,
            "links-MAX_NUM_FORMS": 1000,
            "links-0-indicator_key": KEY,
            "links-0-order": 1,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:outcomes_indicatortarget_add"),
        {"indicator_key": KEY, "target": "40", "note": "Local stretch"},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("admin:outcomes_indicatortarget_add"), {"indicator_key": "nonsense", "target": "4"}
    )
    assert bad.status_code == 200 and IndicatorTarget.objects.count() == 1
    signed_in(client, commissioner)
    assert "Our own outcomes" in client.get(reverse("outcomes:index")).content.decode()
    page = client.get(reverse("outcomes:framework", args=["our-own"])).content.decode()
    assert "Babies thrive" in page and "40.0%" in page and "Met" in page


def test_shipped_frameworks_are_in_the_database(frameworks):
    assert set(OutcomeFramework.objects.values_list("slug", flat=True)) >= {
        "unitary-shared-outcomes",
        "county-five-objectives",
        "metropolitan-aspire",
        "supporting-families",
    }
    assert OutcomeArea.objects.filter(framework__slug="county-five-objectives").count() == 5


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after a task
def test_refresh_now_runs_in_the_background(
    client, signed_in, make_user, authority, make_child, hv_team
):
    make_child(date_of_birth=date.today())
    manager = make_user(Role.SERVICE_MANAGER, team=hv_team)
    signed_in(client, manager)
    response = client.post(reverse("outcomes:refresh"))
    job = Job.objects.get(kind="outcomes-refresh")
    assert response.url == reverse("core:job-progress", args=[job.public_id])
    call_command("db_worker", batch=True, startup_delay=False)
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert IndicatorValue.objects.filter(authority=authority).exists()


def test_commissioner_cannot_refresh(client, signed_in, commissioner):
    signed_in(client, commissioner)
    assert client.post(reverse("outcomes:refresh")).status_code == 403
