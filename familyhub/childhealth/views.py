"""Child health pages. Thin: parse, get through the access layer, call a service, redirect."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.access.layer import no_person_data, person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import Role, has_role, require_role
from familyhub.childhealth import centiles, growthchart, permissions, quarterly, selectors, services
from familyhub.childhealth.forms import (
    AllocationForm,
    MeasurementForm,
    OnwardReferralForm,
    ResolveAlertForm,
    ReviewForm,
    ScreeningForm,
)
from familyhub.childhealth.models import AlertKind, DueStatus, MeasurementContext, ReviewDue
from familyhub.core.exports import csv_download
from familyhub.core.indicators import financial_quarter, period_of
from familyhub.core.pagination import Page
from familyhub.places.models import Locality, Site
from familyhub.referrals.services import current_household
from familyhub.services.models import ServiceKind
from familyhub.services.selectors import authority_of, teams_of

# The usual service for a reason, filled in when a page offers that referral (editable).
REFERRAL_SERVICES = {
    "weight_management": "Weight management",
    "vision": "Orthoptics",
    "hearing": "Audiology",
}

# How long before its window opens a review can be recorded from the child's page.
RECORD_EARLY = timedelta(days=14)

# Rows on one page of a worklist; the GOV.UK pagination component leads to the rest.
WORKLIST_PAGE_SIZE = 50


def _filter_object(model, queryset, value):
    if not value:
        return None
    try:
        return queryset.get(**{"public_id" if model is Site else "pk": value})
    except (model.DoesNotExist, ValueError, ValidationError):
        return None


@require_role(permissions.CHILD_HEALTH_ROLES)
@person_view
def worklist(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    section = request.GET.get("section", "due")
    if section not in selectors.SECTIONS:
        section = "due"
    scope = request.GET.get("scope") or (
        "team" if has_role(user, {Role.TEAM_LEADER, Role.SCHOOL_NURSE}) else "mine"
    )
    if scope not in ("mine", "team"):
        scope = "mine"
    localities = selectors.localities_for(user)
    sites = selectors.sites_for(user)
    locality = _filter_object(Locality, localities, request.GET.get("locality"))
    site = _filter_object(Site, sites, request.GET.get("site"))
    today = timezone.localdate()
    base = selectors.worklist_base(user, scope=scope, locality=locality, site=site, today=today)
    counts, page, rows = selectors.worklist_page(
        base,
        section=section,
        today=today,
        page_number=request.GET.get("page"),
        size=WORKLIST_PAGE_SIZE,
    )
    people = list({row.person_id: row.person for row in rows}.values())
    layer.log_shown(
        user,
        people,
        action="search",
        purpose="Child health worklist",
        detail=f"{selectors.SECTIONS[section].lower()}, {'my list' if scope == 'mine' else 'team list'}",
    )
    ids = [p.pk for p in people]
    alerts = selectors.open_alerts_for(ids)
    named = selectors.named_practitioners(ids)
    return render(
        request,
        "childhealth/worklist.html",
        {
            "rows": [
                {
                    "due": row,
                    "state": row.state_on(today),
                    "alerts": alerts.get(row.person_id, []),
                    "named": named.get(row.person_id),
                }
                for row in rows
            ],
            "section": section,
            "sections": selectors.SECTIONS,
            "counts": counts,
            "scope": scope,
            "localities": localities,
            "sites": sites,
            "locality": locality,
            "site": site,
            "today": today,
            "can_record": permissions.can_record(user),
            "page": page,
            "first_shown": page.start + 1,
            "last_shown": page.start + len(rows),
            "total": counts[section],
            "filter_query": _worklist_query(section, scope, locality, site),
        },
    )


def _worklist_query(section: str, scope: str, locality, site) -> str:
    """The worklist's filters as a query string, for the pagination links."""
    query = {"section": section, "scope": scope}
    if locality is not None:
        query["locality"] = str(locality.pk)
    if site is not None:
        query["site"] = str(site.public_id)
    return urlencode(query)


@require_role(permissions.CHILD_HEALTH_ROLES)
@person_view
def caseload(request: AuthenticatedRequest, public_id=None) -> HttpResponse:
    """A named practitioner's caseload: one's own, or a colleague's in the same team."""
    user = request.user
    if public_id is None:
        practitioner = user
    else:
        practitioner = selectors.colleagues(user).filter(public_id=public_id).first()
        if practitioner is None:
            raise Http404("No such caseload")
    ordered = list(selectors.caseload(user, practitioner).values_list("pk", flat=True))
    page = Page.of(request.GET.get("page"), total=len(ordered), size=WORKLIST_PAGE_SIZE)
    page_pks = ordered[page.start : page.end]
    found = selectors.caseload_rows(page_pks)
    rows = [found[pk] for pk in page_pks if pk in found]
    people = [row.person for row in rows]
    layer.log_shown(user, people, purpose="Health visiting caseload")
    today = timezone.localdate()
    next_due: dict[int, object] = {}
    for due in ReviewDue.objects.filter(
        person_id__in=[p.pk for p in people], status=DueStatus.DUE, late_until__gte=today
    ).order_by("window_start"):
        next_due.setdefault(due.person_id, due)
    alerts = selectors.open_alerts_for([p.pk for p in people])
    return render(
        request,
        "childhealth/caseload.html",
        {
            "practitioner": practitioner,
            "rows": [
                {
                    "allocation": r,
                    "next": next_due.get(r.person_id),
                    "alerts": alerts.get(r.person_id, []),
                }
                for r in rows
            ],
            # The colleagues' caseloads, never a link to the one on screen (an empty "Other
            # caseloads:" line read as a fault when someone works alone in a team).
            "others": [c for c in selectors.colleagues(user) if c != practitioner],
            "today": today,
            "page": page,
            "first_shown": page.start + 1,
            "last_shown": page.start + len(rows),
            "total": len(ordered),
            "filter_query": "",
        },
    )


@require_role(permissions.CHILD_HEALTH_ROLES)
@person_view
def child(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Child health record")
    record = selectors.child_record(request.user, person)
    today = timezone.localdate()
    measurements = list(record.pop("measurements"))
    born = person.date_of_birth
    for m in measurements:
        m.age_text = (
            centiles.age_phrase(born, m.measured_on) if born and born <= m.measured_on else ""
        )
    household = current_household(person)
    family = (
        [
            m.person
            for m in layer.household_members_for_viewer(
                request.user, household, purpose="Refer someone in a child's family"
            )
            if m.person_id != person.pk
        ]
        if household
        else []
    )
    return render(
        request,
        "childhealth/child.html",
        {
            "person": person,
            "family": family,
            "today": today,
            "schedule": [
                {
                    "due": d,
                    "state": d.state_on(today),
                    # A review months away is not offered for recording: a click on the wrong
                    # row would close it years early. A fortnight early is a real visit.
                    "recordable": d.window_start <= today + RECORD_EARLY,
                }
                for d in record["schedule"]
            ],
            **{k: v for k, v in record.items() if k != "schedule"},
            "measurements": measurements,
            "growth_charts": growthchart.growth_charts(
                measurements=measurements, sex=person.sex, child_name=person.display_name
            ),
            "growth_columns": {
                "head": any(m.head_circumference_cm is not None for m in measurements),
                "bmi": any(m.bmi is not None for m in measurements),
            },
            "under_two": born is not None and (today - born).days < 2 * 365.25,
            "gestation": centiles.gestation_note(
                person.date_of_birth, person.expected_date_of_delivery
            ),
            "can_record": permissions.can_record(request.user),
            "referral_url": services.safeguarding_referral_url(person),
            "weight_alert_kind": AlertKind.WEIGHT,
            "resolve_form": ResolveAlertForm(),
        },
    )


@require_role(permissions.RECORDING_ROLES)
@person_view
def review_record(request: AuthenticatedRequest, public_id) -> HttpResponse:
    due = selectors.review_due_for_viewer(request.user, public_id)
    person = due.person
    form = ReviewForm(request.POST or None, kind=due.kind, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_record(due=due, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(
                request, f"{due.get_kind_display()} recorded for {person.display_name}"
            )
            if review.safeguarding_concern:
                url = services.safeguarding_referral_url(person)
                messages.info(
                    request,
                    "Safeguarding concern recorded. "
                    + (
                        "Make a referral to the front door from this child's page."
                        if url
                        else "The front door's referral form is not available here: phone the front door."
                    ),
                )
            return redirect("childhealth:child", public_id=person.public_id)
    return render(
        request, "childhealth/review_form.html", {"form": form, "due": due, "person": person}
    )


def _owner_kind(user) -> str:
    """The service that owns what this user records: health visiting or school nursing."""
    if has_role(user, {Role.HEALTH_VISITOR}):
        return ServiceKind.HEALTH_VISITING
    return ServiceKind.SCHOOL_NURSING


def _person_form(request, public_id, form_class, purpose: str):
    person = layer.person_for_viewer(request.user, public_id, purpose=purpose)
    return person, form_class(request.POST or None)


def _measurement_title(form: MeasurementForm) -> str:
    if form.under_two:
        return "Record weight, length and head circumference"
    return "Record height and weight"


@require_role(permissions.RECORDING_ROLES)
@person_view
def measurement_add(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Record growth measurements")
    form = MeasurementForm(request.POST or None, date_of_birth=person.date_of_birth)
    if request.method == "GET" and request.GET.get("context") in dict(MeasurementContext.choices):
        form = MeasurementForm(
            initial={"context": request.GET["context"]}, date_of_birth=person.date_of_birth
        )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            measurement = services.measurement_record(
                person=person,
                by=request.user,
                confirm_unusual=data.pop("confirm_unusual", False),
                **data,
            )
        except ValidationError as error:
            if services.needs_confirming(error):
                form.offer_confirm()
            form.apply_errors(error)
        else:
            messages.success(request, f"Recorded: {measurement.timeline_summary()}")
            return redirect("childhealth:child", public_id=person.public_id)
    return render(
        request,
        "childhealth/measurement_form.html",
        {
            "form": form,
            "person": person,
            "title": _measurement_title(form),
        },
    )


@require_role(permissions.RECORDING_ROLES)
@person_view
def screening_add(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person, form = _person_form(request, public_id, ScreeningForm, "Record a screening result")
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_record(
                person=person,
                by=request.user,
                owner_kind=_owner_kind(request.user),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Screening result recorded")
            return redirect("childhealth:child", public_id=person.public_id)
    return render(
        request,
        "childhealth/simple_form.html",
        {
            "form": form,
            "person": person,
            "title": "Record vision or hearing screening",
            "button": "Save result",
        },
    )


@require_role(permissions.RECORDING_ROLES)
@person_view
def referral_add(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person, form = _person_form(request, public_id, OnwardReferralForm, "Make an onward referral")
    if request.method == "GET" and request.GET.get("reason"):
        form = OnwardReferralForm(
            initial={
                "reason": request.GET["reason"],
                "to_service_name": REFERRAL_SERVICES.get(request.GET["reason"], ""),
                "referred_on": timezone.localdate(),
            }
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.onward_referral_create(
                person=person,
                by=request.user,
                owner_kind=_owner_kind(request.user),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Referral recorded")
            return redirect("childhealth:child", public_id=person.public_id)
    return render(
        request,
        "childhealth/simple_form.html",
        {
            "form": form,
            "person": person,
            "title": "Refer to another service",
            "button": "Save referral",
        },
    )


@require_role(permissions.ALLOCATING_ROLES)
@person_view
def allocate(request: AuthenticatedRequest, public_id) -> HttpResponse:
    person = layer.person_for_viewer(request.user, public_id, purpose="Name the health visitor")
    current = selectors.named_practitioners([person.pk]).get(person.pk)
    form = AllocationForm(
        request.POST or None,
        user=request.user,
        initial={
            "current": str(current.public_id) if current else "",
            "practitioner": current.practitioner_id if current else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        practitioner = form.cleaned_data["practitioner"]
        team = teams_of(request.user).filter(memberships__user=practitioner).first()
        try:
            if team is None:
                raise ValidationError({"practitioner": ["Choose someone in your team"]})
            services.allocation_set(
                person=person,
                practitioner=practitioner,
                team=team,
                by=request.user,
                expected_current=form.cleaned_data["current"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Named practitioner set for {person.display_name}")
            return redirect("childhealth:child", public_id=person.public_id)
    return render(
        request,
        "childhealth/simple_form.html",
        {
            "form": form,
            "person": person,
            "title": "Name the health visitor or school nurse",
            "button": "Save",
        },
    )


@require_role(permissions.CHILD_HEALTH_ROLES)
@require_POST
@person_view
def alert_resolve(request: AuthenticatedRequest, public_id) -> HttpResponse:
    alert = selectors.alert_for_viewer(request.user, public_id)
    form = ResolveAlertForm(request.POST)
    if form.is_valid():
        try:
            services.alert_resolve(alert=alert, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "Alert resolved")
    else:  # the form's own message: nothing typed, or too long
        messages.error(request, "; ".join(str(e) for e in form.errors["resolution"]))
    return redirect("childhealth:child", public_id=alert.person.public_id)


@require_role(permissions.INDICATOR_ROLES)
@no_person_data("aggregate counts only: no names, no identifiers")
def indicator_page(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    current = period_of(today, "quarter")
    # The financial year starts in April: in January to March it is last calendar year's.
    current_year = today.year if today.month >= 4 else today.year - 1
    current_number = ((today.month - 4) % 12) // 3 + 1
    try:
        year = int(request.GET.get("year") or current_year)
        number = int(request.GET.get("quarter") or current_number)
        quarter = financial_quarter(year, number)
    except (ValueError, OverflowError):
        # An unreadable year or quarter shows the current quarter rather than an error page.
        quarter, year, number = current, current_year, current_number
    breakdown = request.GET.get("breakdown", "all")
    if breakdown not in quarterly.BREAKDOWNS:
        breakdown = "all"
    authority = authority_of(request.user)
    if authority is None:
        raise Http404("No council is set up yet")
    rows = quarterly.quarter_rows(authority.pk, quarter)
    if request.GET.get("format") == "csv":
        name = quarter.label.replace("/", "-").replace(" ", "_")
        return csv_download(
            quarterly.csv_rows(rows, quarter), filename=f"health-visiting-{name}.csv"
        )
    titles = quarterly.titles()
    table: dict[str, list] = {}
    for row in rows:
        if row.breakdown == breakdown:
            table.setdefault(row.indicator, []).append(row)
    return render(
        request,
        "childhealth/indicators.html",
        {
            "quarter": quarter,
            "year": year,
            "number": number,
            "years": list(range(current_year - 3, current_year + 1)),
            "breakdown": breakdown,
            "breakdowns": quarterly.BREAKDOWN_LABELS,
            "table": [(titles[key], table.get(key, [])) for key in titles],
        },
    )
