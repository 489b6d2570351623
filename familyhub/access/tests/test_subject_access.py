"""Subject access requests (the information governance lead) and the one assembly behind them
and the family's download: the deadline, every part's sections, what is marked for redaction,
the PDF and JSON exports, and every step logged."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from familyhub.access import services, subject_access
from familyhub.access.models import SubjectAccessRequest
from familyhub.audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "received, due",
    [
        (date(2026, 1, 15), date(2026, 2, 15)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the last day of the month
        (date(2028, 1, 30), date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 3), date(2027, 1, 3)),
        (date(2026, 3, 31), date(2026, 4, 30)),
    ],
)
def test_the_deadline_is_one_calendar_month(received, due):
    assert subject_access.deadline_for(received) == due


def test_only_the_ig_lead_records_a_request(family_world):
    w = family_world
    with pytest.raises(PermissionDenied):
        services.subject_access_record(
            person=w.child, by=w.worker, requested_by="Mel", received_on=date(2026, 1, 1)
        )
    with pytest.raises(ValidationError):
        services.subject_access_record(
            person=w.child, by=w.ig, requested_by="", received_on=date(2026, 1, 1)
        )


def test_the_staff_export_holds_everything_with_what_to_redact(family_world):
    w = family_world
    bundle = subject_access.assemble([w.child], audience=subject_access.STAFF, user=w.ig)
    part = bundle.people[0]
    keys = [s.key for s in part.sections]
    assert {"about", "household", "access.sharednote", "casework.plan", "access_log"} <= set(keys)
    notes = next(s for s in part.sections if s.key == "access.sharednote")
    text = json.dumps(notes.rows)
    for (about, _category, _for_family), title in w.titles.items():
        if about == "child":
            assert title in text  # every note, whatever the category and mark
    by_title = {row[3]: reason for row, reason in notes.lines}
    assert (
        "sensitive category: Domestic abuse"
        in by_title[w.titles[("child", "domestic_abuse", False)]]
    )
    assert "sensitive category: Safeguarding" in by_title[w.titles[("child", "safeguarding", True)]]
    household = next(s for s in part.sections if s.key == "household")
    assert all(reason == "third-party information" for _row, reason in household.lines)
    assert any("Dan Dovecote" in row[0] for row in household.rows)
    plan = next(s for s in part.sections if s.key == "casework.plan")
    assert plan.rows[0][1] == "Read together every evening"


def test_the_ig_pages_record_a_request_list_it_with_days_left_and_export(family_world, signed_in):
    w = family_world
    ig = signed_in(Client(), w.ig)
    listing = ig.get(reverse("access:subject-access"), {"nhs_number": w.child.nhs_number})
    assert listing.status_code == 200
    new_url = reverse("access:subject-access-new", args=[w.child.public_id])
    assert new_url in listing.content.decode()
    bad = ig.post(new_url, {"requested_by": "", "received_on_day": "40"})
    assert bad.status_code == 200 and "Enter who asked" in bad.content.decode()
    today = date.today()
    response = ig.post(
        new_url,
        {
            "requested_by": "Mel Dovecote, for her daughter",
            "received_on_day": today.day,
            "received_on_month": today.month,
            "received_on_year": today.year,
        },
    )
    assert response.status_code == 302
    sar = SubjectAccessRequest.objects.get()
    assert sar.due_on == subject_access.deadline_for(today)
    listing = ig.get(reverse("access:subject-access")).content.decode()
    assert "days left" in listing and "Cleo Dovecote" in listing
    page = ig.get(reverse("access:subject-access-request", args=[sar.public_id])).content.decode()
    assert "For redaction" in page and "third-party information" in page
    pdf = ig.get(reverse("access:subject-access-export", args=[sar.public_id, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    data = ig.get(reverse("access:subject-access-export", args=[sar.public_id, "json"])).json()
    assert data["audience"] == "staff"
    rows = [r for p in data["people"] for s in p["sections"] for r in s["rows"]]
    assert any(r.get("for_redaction") == "third-party information" for r in rows)
    logged = set(
        AccessLog.objects.filter(user=w.ig, person_pk=w.child.pk).values_list("purpose", flat=True)
    )
    assert {
        "Record a subject access request",
        "Subject access request: review",
        "Subject access request: export",
    } <= logged
    close = ig.post(
        reverse("access:subject-access-request", args=[sar.public_id]),
        {"status": "sent", "note": "", "version": sar.version},
    )
    assert close.status_code == 302
    sar.refresh_from_db()
    assert sar.status == "sent"


def test_others_cannot_reach_the_ig_pages(family_world, signed_in):
    w = family_world
    worker = signed_in(Client(), w.worker)
    assert worker.get(reverse("access:subject-access")).status_code == 403
    assert worker.get(reverse("access:questions")).status_code == 403
