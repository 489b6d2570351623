"""Every protected page: owner (named health visitor), colleague (same team), outsider."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from familyhub.accounts.roles import Role
from familyhub.childhealth import services
from familyhub.childhealth.models import Alert, Measurement, Review, ReviewDue
from familyhub.childhealth.schedule import ReviewKind
from familyhub.testing.forms import date_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(make_child, owner, hv_team):
    today = timezone.localdate()
    # A fixed family name: a random one may be escaped in the page (O'Connor) or appear in it.
    person = make_child(date_of_birth=today - timedelta(days=11), sex="F", family_name="Quenby")
    services.schedule_refresh(person)
    services.allocation_set(person=person, practitioner=owner, team=hv_team, by=owner)
    return person


@pytest.fixture
def nbv(child):
    return ReviewDue.objects.get(person=child, kind=ReviewKind.NEW_BIRTH)


def test_worklist_owner_sees_child_in_mine(client, signed_in, owner, child):
    response = signed_in(client, owner).get(reverse("childhealth:worklist"))
    assert response.status_code == 200
    assert child.family_name in response.content.decode()


def test_worklist_logs_each_person_shown(client, signed_in, owner, child):
    from familyhub.audit.models import AccessLog

    signed_in(client, owner).get(reverse("childhealth:worklist"))
    assert AccessLog.objects.filter(person_pk=child.pk, action="search").exists()


def test_worklist_colleague_sees_child_in_team_not_mine(client, signed_in, colleague, child):
    signed_in(client, colleague)
    mine = client.get(reverse("childhealth:worklist")).content.decode()
    team = client.get(reverse("childhealth:worklist") + "?scope=team").content.decode()
    assert child.family_name not in mine
    assert child.family_name in team


def test_worklist_outsider_sees_nothing(client, signed_in, outsider, child):
    response = signed_in(client, outsider).get(reverse("childhealth:worklist") + "?scope=team")
    assert response.status_code == 200
    assert child.family_name not in response.content.decode()


def test_worklist_refuses_roles_without_reviews(client, signed_in, make_user, child):
    user = make_user(Role.RECEPTION)
    assert signed_in(client, user).get(reverse("childhealth:worklist")).status_code == 403


@pytest.mark.parametrize("who,status", [("owner", 200), ("colleague", 200), ("outsider", 404)])
def test_child_page(client, signed_in, request, who, status, child):
    user = request.getfixturevalue(who)
    response = signed_in(client, user).get(reverse("childhealth:child", args=[child.public_id]))
    assert response.status_code == status


@pytest.mark.parametrize("who,status", [("owner", 200), ("colleague", 200), ("outsider", 404)])
def test_record_review_page(client, signed_in, request, who, status, nbv):
    user = request.getfixturevalue(who)
    response = signed_in(client, user).get(
        reverse("childhealth:review-record", args=[nbv.public_id])
    )
    assert response.status_code == status


def test_owner_records_review_with_mood_alert(client, signed_in, owner, nbv, child):
    signed_in(client, owner)
    response = client.post(
        reverse("childhealth:review-record", args=[nbv.public_id]),
        {
            **date_fields("done_on", timezone.localdate().isoformat()),
            "place": "home",
            "outcome": "completed",
            "whooley_low_mood": "yes",
            "whooley_little_interest": "no",
            "whooley_wants_help": "yes",
            "epds_total": "15",
            "epds_self_harm": "0",
            "breastfeeding": "exclusive",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.breastfeeding == "exclusive" and review.whooley_low_mood is True
    page = client.get(reverse("childhealth:child", args=[child.public_id])).content.decode()
    assert "EPDS total 15" in page


def test_bad_epds_is_a_field_error_not_a_500(client, signed_in, owner, nbv):
    signed_in(client, owner)
    response = client.post(
        reverse("childhealth:review-record", args=[nbv.public_id]),
        {
            **date_fields("done_on", timezone.localdate().isoformat()),
            "place": "home",
            "outcome": "completed",
            "epds_total": "31",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Review.objects.count() == 0


def test_outsider_cannot_post_a_review(client, signed_in, outsider, nbv):
    signed_in(client, outsider)
    response = client.post(
        reverse("childhealth:review-record", args=[nbv.public_id]),
        {
            **date_fields("done_on", timezone.localdate().isoformat()),
            "place": "home",
            "outcome": "completed",
        },
    )
    assert response.status_code == 404
    assert Review.objects.count() == 0


@pytest.mark.parametrize("who,status", [("owner", 200), ("colleague", 200), ("outsider", 404)])
def test_measurement_page(client, signed_in, request, who, status, child):
    user = request.getfixturevalue(who)
    url = reverse("childhealth:measurement-add", args=[child.public_id])
    assert signed_in(client, user).get(url).status_code == status


def test_implausible_measurement_names_the_field(client, signed_in, owner, make_child, hv_team):
    from datetime import date

    older = make_child(date_of_birth=date(2020, 1, 1), sex="M")
    services.allocation_set(person=older, practitioner=owner, team=hv_team, by=owner)
    signed_in(client, owner)
    response = client.post(
        reverse("childhealth:measurement-add", args=[older.public_id]),
        {
            **date_fields("measured_on", "2025-01-01"),
            "height_cm": "110",
            "weight_kg": "190",
            "context": "other",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_weight_kg"' in response.content.decode()
    assert Measurement.objects.count() == 0


@pytest.mark.parametrize("who,status", [("owner", 200), ("colleague", 200), ("outsider", 404)])
def test_screening_and_referral_pages(client, signed_in, request, who, status, child):
    user = request.getfixturevalue(who)
    signed_in(client, user)
    for name in ("childhealth:screening-add", "childhealth:referral-add", "childhealth:allocate"):
        assert client.get(reverse(name, args=[child.public_id])).status_code == status


def test_caseload_own_colleague_and_outsider(client, signed_in, owner, colleague, outsider, child):
    signed_in(client, colleague)
    mine = client.get(reverse("childhealth:caseload")).content.decode()
    # The child's id, not a name: a generated colleague may share the child's family name.
    assert str(child.public_id) not in mine
    theirs = client.get(reverse("childhealth:caseload-of", args=[owner.public_id]))
    assert theirs.status_code == 200 and str(child.public_id) in theirs.content.decode()
    signed_in(client, outsider)
    assert client.get(reverse("childhealth:caseload-of", args=[owner.public_id])).status_code == 404


def test_alert_resolve_owner_and_outsider(client, signed_in, owner, outsider, nbv):
    review = services.review_record(
        due=nbv,
        by=owner,
        done_on=timezone.localdate(),
        place="home",
        outcome="completed",
        epds_total=20,
    )
    alert = Alert.objects.get(review=review)
    url = reverse("childhealth:alert-resolve", args=[alert.public_id])
    assert signed_in(client, outsider).post(url, {"resolution": "x"}).status_code == 404
    assert (
        signed_in(client, owner).post(url, {"resolution": "GP appointment made"}).status_code == 302
    )
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_indicators_page_for_commissioner_and_refused_to_health_visitor(
    client, signed_in, make_user, owner, child
):
    commissioner = make_user(Role.COMMISSIONER)
    signed_in(client, commissioner)
    response = client.get(reverse("childhealth:indicators"))
    assert response.status_code == 200
    assert child.family_name not in response.content.decode()
    csv = client.get(reverse("childhealth:indicators") + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")  # or Excel garbles any letter beyond ASCII
    signed_in(client, owner)
    assert client.get(reverse("childhealth:indicators")).status_code == 403


def test_safeguarding_concern_offers_front_door_referral(client, signed_in, owner, nbv, child):
    signed_in(client, owner)
    client.post(
        reverse("childhealth:review-record", args=[nbv.public_id]),
        {
            **date_fields("done_on", timezone.localdate().isoformat()),
            "place": "home",
            "outcome": "completed",
            "safeguarding_concern": "on",
        },
    )
    page = client.get(reverse("childhealth:child", args=[child.public_id])).content.decode()
    url = services.safeguarding_referral_url(child)
    review = Review.objects.get()
    assert review.safeguarding_concern
    if url:  # the front door's page exists: the child's page links to it
        assert f'href="{url}"' in page
        assert review.safeguarding_referral_offered
    else:
        assert "the concern is recorded" in page


def test_ncmp_review_on_worklist_links_to_measurement(
    client, signed_in, make_user, make_child, sn_service, authority
):
    from familyhub.testing import factories as shared

    team = shared.TeamFactory(
        service=sn_service, locality=shared.LocalityFactory(authority=authority, name="West")
    )
    nurse = make_user(Role.SCHOOL_NURSE, team=team, username="sn")
    # Born in December five school years ago: in Reception this school year, whatever today is.
    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    child = make_child(date_of_birth=date(school_year - 5, 12, 1), sex="M")
    services.schedule_refresh(child)
    services.allocation_set(person=child, practitioner=nurse, team=team, by=nurse)
    ncmp = ReviewDue.objects.get(person=child, kind=ReviewKind.NCMP_RECEPTION)
    assert ncmp.window_start <= today <= ncmp.window_end
    page = signed_in(client, nurse).get(reverse("childhealth:worklist")).content.decode()
    assert reverse(
        "childhealth:measurement-add", args=[child.public_id]
    ) + "?context=ncmp_reception" in page.replace("&amp;", "&")


def test_records_sort_on_the_family_timeline(owner, nbv, child):
    from familyhub.access.timeline import family_timeline

    services.review_record(
        due=nbv,
        by=owner,
        done_on=timezone.localdate(),
        place="home",
        outcome="completed",
        epds_total=14,
    )
    timeline = family_timeline(owner, [child.pk])
    kinds = {item.kind for item in timeline.items}
    assert {"Health review", "Alert"} <= kinds


def test_missing_review_answers_are_named_in_the_error_summary(client, signed_in, owner, nbv):
    response = signed_in(client, owner).post(
        reverse("childhealth:review-record", args=[nbv.public_id]), {**date_fields("done_on", "")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date of the review" in page
    assert "Select where the review took place" in page
    assert "Select the outcome of the review" in page
    assert "This field is required" not in page


def test_child_page_shows_whooley_answers_and_asq_domains_in_words(
    client, signed_in, owner, make_child, hv_team
):
    child = make_child(date_of_birth=timezone.localdate() - timedelta(days=int(2.2 * 365)))
    services.schedule_refresh(child)
    services.allocation_set(person=child, practitioner=owner, team=hv_team, by=owner)
    due = ReviewDue.objects.get(person=child, kind=ReviewKind.TWO_YEAR)
    services.review_record(
        due=due,
        by=owner,
        done_on=timezone.localdate(),
        place="home",
        outcome="completed",
        whooley_low_mood=True,
        whooley_little_interest=False,
        asq_questionnaire=27,
        asq_scores={
            "communication": 20,
            "gross_motor": 55,
            "fine_motor": 40,
            "problem_solving": 35,
            "personal_social": 50,
        },
    )
    page = signed_in(client, owner).get(reverse("childhealth:child", args=[child.public_id]))
    text = page.content.decode()
    assert "Feeling down: yes; little interest: no" in text
    assert "Gross motor: 55" in text and "Gross_motor" not in text


def test_caseload_does_not_offer_an_empty_list_of_other_caseloads(
    client, signed_in, make_user, authority, hv_service
):
    from familyhub.testing import factories as shared

    alone = shared.TeamFactory(
        service=hv_service, locality=shared.LocalityFactory(authority=authority, name="North")
    )
    solo = make_user(Role.HEALTH_VISITOR, team=alone, username="hv_solo")
    page = signed_in(client, solo).get(reverse("childhealth:caseload")).content.decode()
    assert "Other caseloads in your team" not in page


def test_caseload_links_to_colleagues_not_to_itself(client, signed_in, owner, colleague, child):
    page = signed_in(client, owner).get(reverse("childhealth:caseload")).content.decode()
    assert reverse("childhealth:caseload-of", args=[colleague.public_id]) in page
    assert reverse("childhealth:caseload-of", args=[owner.public_id]) not in page


def test_empty_worklist_section_says_what_is_empty(client, signed_in, owner, child):
    page = signed_in(client, owner).get(reverse("childhealth:worklist") + "?section=outside")
    assert "No reviews went past their window in the last year." in page.content.decode()


def test_worklist_pages_with_the_govuk_pagination_component(
    client, signed_in, owner, child, make_child, hv_team, monkeypatch
):
    from familyhub.audit.models import AccessLog
    from familyhub.childhealth import views

    second = make_child(date_of_birth=timezone.localdate() - timedelta(days=12))
    services.schedule_refresh(second)
    services.allocation_set(person=second, practitioner=owner, team=hv_team, by=owner)
    monkeypatch.setattr(views, "WORKLIST_PAGE_SIZE", 1)
    signed_in(client, owner)
    first = client.get(reverse("childhealth:worklist") + "?scope=mine")
    page = first.content.decode()
    assert "Showing 1 to 1 of 2" in page
    assert 'class="govuk-pagination"' in page
    assert "section=due&amp;scope=mine&amp;page=2" in page
    assert len(first.context["rows"]) == 1
    logged = AccessLog.objects.count()
    later = client.get(reverse("childhealth:worklist") + "?section=due&scope=mine&page=2")
    assert "Showing 2 to 2 of 2" in later.content.decode()
    assert later.context["rows"][0]["due"].person_id != first.context["rows"][0]["due"].person_id
    # Only the child on the page shown is logged as read.
    assert AccessLog.objects.count() == logged + 1
    # A page number out of range or not a number shows the nearest page, not an error.
    assert client.get(reverse("childhealth:worklist") + "?page=99").status_code == 200
    assert client.get(reverse("childhealth:worklist") + "?page=x").status_code == 200


def test_caseload_pages_and_logs_only_the_page_shown(
    client, signed_in, owner, child, make_child, hv_team, monkeypatch
):
    from familyhub.audit.models import AccessLog
    from familyhub.childhealth import views

    second = make_child(date_of_birth=timezone.localdate() - timedelta(days=40))
    services.allocation_set(person=second, practitioner=owner, team=hv_team, by=owner)
    monkeypatch.setattr(views, "WORKLIST_PAGE_SIZE", 1)
    signed_in(client, owner)
    before = AccessLog.objects.count()
    first = client.get(reverse("childhealth:caseload"))
    assert "Showing 1 to 1 of 2 children." in first.content.decode()
    assert "?page=2" in first.content.decode()
    assert AccessLog.objects.count() == before + 1
    later = client.get(reverse("childhealth:caseload") + "?page=2")
    shown = {r["allocation"].person_id for r in first.context["rows"]}
    shown |= {r["allocation"].person_id for r in later.context["rows"]}
    assert shown == {child.pk, second.pk}


def test_short_worklist_has_no_pagination(client, signed_in, owner, child):
    page = signed_in(client, owner).get(reverse("childhealth:worklist")).content.decode()
    assert "govuk-pagination" not in page


def test_page_numbers_keep_the_first_last_and_neighbours():
    from familyhub.childhealth.selectors import Page

    assert Page.of("5", total=500, size=50).items() == [1, None, 4, 5, 6, None, 10]
    assert Page.of("1", total=120, size=50).items() == [1, 2, 3]
    assert Page.of("0", total=0, size=50).number == 1


def test_indicators_in_february_default_to_the_fourth_quarter_of_last_financial_year(
    client, signed_in, make_user, monkeypatch, authority
):
    from datetime import date

    from familyhub.childhealth import views

    # 10 February 2027 is in Q4 of the financial year 2026/27, not of 2027/28.
    monkeypatch.setattr(views.timezone, "localdate", lambda *a, **k: date(2027, 2, 10))
    response = signed_in(client, make_user(Role.COMMISSIONER)).get(
        reverse("childhealth:indicators")
    )
    assert response.context["quarter"].label == "2026/27 Q4"
    assert response.context["year"] == 2026 and response.context["number"] == 4


def test_unreadable_quarter_shows_the_current_one(client, signed_in, make_user, authority):
    response = signed_in(client, make_user(Role.COMMISSIONER)).get(
        reverse("childhealth:indicators") + "?year=abc&quarter=9"
    )
    assert response.status_code == 200
    assert response.context["number"] in (1, 2, 3, 4)


def test_screening_refer_result_offers_the_referral(
    client, signed_in, make_user, make_child, sn_service, authority
):
    from familyhub.testing import factories as shared

    team = shared.TeamFactory(
        service=sn_service, locality=shared.LocalityFactory(authority=authority, name="West")
    )
    nurse = make_user(Role.SCHOOL_NURSE, team=team, username="sn")
    child = make_child(date_of_birth=timezone.localdate() - timedelta(days=int(5.5 * 365)))
    services.schedule_refresh(child)
    services.allocation_set(person=child, practitioner=nurse, team=team, by=nurse)
    signed_in(client, nurse)
    client.post(
        reverse("childhealth:screening-add", args=[child.public_id]),
        {
            "kind": "hearing",
            **date_fields("screened_on", timezone.localdate().isoformat()),
            "left": "pass",
            "right": "refer",
        },
    )
    page = client.get(reverse("childhealth:child", args=[child.public_id])).content.decode()
    link = reverse("childhealth:referral-add", args=[child.public_id]) + "?reason=hearing"
    assert link in page
    form = client.get(link).content.decode()
    assert 'value="Audiology"' in form


def test_referral_needs_a_chosen_reason_and_dates_default_to_today(client, signed_in, owner, child):
    signed_in(client, owner)
    url = reverse("childhealth:referral-add", args=[child.public_id])
    form = client.get(url).content.decode()
    today = timezone.localdate()
    assert f'name="referred_on_year" value="{today.year}"' in form
    assert f'name="referred_on_day" value="{today.day}"' in form
    response = client.post(
        url,
        {
            "to_service_name": "Audiology",
            "referred_on_day": today.day,
            "referred_on_month": today.month,
            "referred_on_year": today.year,
        },
    )
    assert "Choose the reason for the referral" in response.content.decode()


def test_health_visitor_sees_the_screening_they_recorded(client, signed_in, owner, child):
    signed_in(client, owner)
    response = client.post(
        reverse("childhealth:screening-add", args=[child.public_id]),
        {
            "kind": "hearing",
            **date_fields("screened_on", timezone.localdate().isoformat()),
            "left": "pass",
            "right": "pass",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("childhealth:child", args=[child.public_id])).content.decode()
    assert "Hearing screen: left pass, right pass" in page


def test_child_page_offers_recording_only_for_reviews_near_their_window(
    client, signed_in, owner, child, nbv
):
    page = signed_in(client, owner).get(reverse("childhealth:child", args=[child.public_id]))
    text = page.content.decode()
    two_year = ReviewDue.objects.get(person=child, kind=ReviewKind.TWO_YEAR)
    assert reverse("childhealth:review-record", args=[nbv.public_id]) in text
    assert reverse("childhealth:review-record", args=[two_year.public_id]) not in text


# --- growth ----------------------------------------------------------------------------------


def _baby_with_measurements(make_child, owner, hv_team, weeks=(2, 6, 12)):
    today = timezone.localdate()
    baby = make_child(
        date_of_birth=today - timedelta(weeks=max(weeks) + 1), sex="F", family_name="Quenby"
    )
    services.allocation_set(person=baby, practitioner=owner, team=hv_team, by=owner)
    weights = {2: "3.6", 6: "4.6", 12: "5.9"}
    lengths = {2: "51.5", 6: "55.5", 12: "60.0"}
    heads = {2: "35.5", 6: "37.5", 12: "39.5"}
    for week in weeks:
        services.measurement_record(
            person=baby,
            by=owner,
            measured_on=baby.date_of_birth + timedelta(weeks=week),
            weight_kg=weights[week],
            height_cm=lengths[week],
            head_circumference_cm=heads[week],
        )
    return baby


def test_child_page_shows_every_value_recorded_with_centiles_and_a_chart_each(
    client, signed_in, owner, make_child, hv_team
):
    baby = _baby_with_measurements(make_child, owner, hv_team)
    page = signed_in(client, owner).get(reverse("childhealth:child", args=[baby.public_id]))
    html = page.content.decode()
    latest = Measurement.objects.filter(person=baby).order_by("-measured_on").first()
    assert f"Weight 5.9 kg, {latest.weight_centile}" in html
    assert f"Length 60 cm, {latest.height_centile}" in html
    assert f"Head circumference 39.5 cm, {latest.head_circumference_centile}" in html
    for kind in ("weight", "height", "head"):
        assert f'data-testid="growth-chart-{kind}"' in html
    assert 'data-testid="growth-chart-bmi"' not in html  # no BMI centile for a baby
    assert ">Age in weeks</text>" in html and "UK-WHO centiles for girls" in html
    # The table has every measurement, with the length called a length.
    assert html.count('data-testid="measurement"') == 3
    assert "Length 55.5 cm" in html and "3.6 kg" in html and "35.5 cm" in html
    assert "Record weight, length and head circumference" in html


def test_school_childs_page_keeps_the_bmi_and_ncmp_categories(
    client, signed_in, make_user, make_child, sn_service, authority
):
    from familyhub.testing import factories as shared

    team = shared.TeamFactory(
        service=sn_service, locality=shared.LocalityFactory(authority=authority, name="West")
    )
    nurse = make_user(Role.SCHOOL_NURSE, team=team, username="sn")
    child = make_child(date_of_birth=date(2015, 3, 1), sex="M", family_name="Quenby")
    services.allocation_set(person=child, practitioner=nurse, team=team, by=nurse)
    services.measurement_record(
        person=child, by=nurse, measured_on=date(2025, 6, 2), weight_kg=35, height_cm=140
    )
    html = (
        signed_in(client, nurse)
        .get(reverse("childhealth:child", args=[child.public_id]))
        .content.decode()
    )
    assert "Height 140 cm" in html and "35 kg" in html
    assert "NCMP: healthy weight; clinical: healthy weight" in html
    assert 'data-testid="growth-chart-bmi"' in html
    assert "2 to 18 years" in html and "UK-WHO centiles for boys" in html
    assert "Record height and weight" in html
    assert 'for="id_head_circumference_cm"' not in html


def test_outsider_gets_no_growth_chart(client, signed_in, outsider, owner, make_child, hv_team):
    baby = _baby_with_measurements(make_child, owner, hv_team, weeks=(2,))
    response = signed_in(client, outsider).get(reverse("childhealth:child", args=[baby.public_id]))
    assert response.status_code == 404
    assert b"growth-chart" not in response.content


def test_measurement_form_for_a_baby_asks_for_length_and_head_circumference(
    client, signed_in, owner, child
):
    html = (
        signed_in(client, owner)
        .get(reverse("childhealth:measurement-add", args=[child.public_id]))
        .content.decode()
    )
    assert "Record weight, length and head circumference" in html
    assert '<label class="govuk-label" for="id_height_cm">Length (cm)</label>' in html
    assert 'for="id_head_circumference_cm">Head circumference (cm)</label>' in html
    assert 'type="hidden" name="confirm_unusual"' in html


def test_implausible_baby_weight_is_named_in_the_error_summary(client, signed_in, owner, child):
    response = signed_in(client, owner).post(
        reverse("childhealth:measurement-add", args=[child.public_id]),
        {
            **date_fields("measured_on", timezone.localdate()),
            "weight_kg": "45",
            "context": "review",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_weight_kg">Weight of 45 kg is not plausible for an 11 day old baby' in html
    assert 'type="checkbox" name="confirm_unusual"' not in html
    assert Measurement.objects.count() == 0


def test_very_unusual_value_is_confirmed_then_saved(client, signed_in, owner, make_child, hv_team):
    toddler = make_child(
        date_of_birth=timezone.localdate() - timedelta(days=732), sex="M", family_name="Quenby"
    )
    services.allocation_set(person=toddler, practitioner=owner, team=hv_team, by=owner)
    url = reverse("childhealth:measurement-add", args=[toddler.public_id])
    data = {
        **date_fields("measured_on", timezone.localdate()),
        "height_cm": "70",
        "context": "other",
    }
    first = signed_in(client, owner).post(url, data)
    assert first.status_code == 200
    html = first.content.decode()
    assert "Height of 70 cm is very unusual for a 2 year old child" in html
    assert 'type="checkbox" name="confirm_unusual"' in html
    assert Measurement.objects.count() == 0
    second = client.post(url, {**data, "confirm_unusual": "on"})
    assert second.status_code == 302
    saved = Measurement.objects.get(person=toddler)
    assert saved.unusual_confirmed
    page = client.get(reverse("childhealth:child", args=[toddler.public_id])).content.decode()
    assert "Very unusual value checked and confirmed" in page


def test_growth_measurement_on_the_family_timeline_says_every_value(owner, make_child, hv_team):
    from familyhub.access.timeline import family_timeline

    baby = _baby_with_measurements(make_child, owner, hv_team, weeks=(6,))
    items = [i for i in family_timeline(owner, [baby.pk]).items if i.kind == "Growth measurement"]
    assert len(items) == 1
    assert items[0].summary.startswith("Weight 4.6 kg, ")
    assert "Length 55.5 cm" in items[0].summary and "Head circumference 37.5 cm" in items[0].summary


def test_preterm_babys_page_says_the_centiles_are_corrected(
    client, signed_in, owner, make_child, hv_team
):
    today = timezone.localdate()
    born = today - timedelta(weeks=10)
    baby = make_child(
        date_of_birth=born,
        expected_date_of_delivery=born + timedelta(weeks=9),
        sex="M",
        family_name="Quenby",
    )
    services.allocation_set(person=baby, practitioner=owner, team=hv_team, by=owner)
    services.measurement_record(person=baby, by=owner, measured_on=today, weight_kg="3.9")
    html = (
        signed_in(client, owner)
        .get(reverse("childhealth:child", args=[baby.public_id]))
        .content.decode()
    )
    assert "Born at 31+0 weeks, worked out from the expected date of delivery" in html
    assert "until 2 years" in html
    assert "Age in weeks (corrected for prematurity)" in html
