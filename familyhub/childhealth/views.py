"""Child health pages. Thin: parse, get through the access layer, call a service, redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from familyhub.access.layer import no_person_data, person_view
from familyhub.childhealth import access, indicators, selectors, services
from familyhub.childhealth.forms import (
    AllocationForm,
    MeasurementForm,
    OnwardReferralForm,
    ResolveAlertForm,
    ReviewForm,
    ScreeningForm,
)
from familyhub.childhealth.models import AlertKind, MeasurementContext
from familyhub.core.access import require_role
from familyhub.core.pagination import Page
from familyhub.places.models import Locality, Site

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


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _filter_object(model, queryset, value):
    if not value:
        return None
    try:
        return queryset.get(**{"public_id" if model is Site else "pk": value})
    except (model.DoesNotExist, ValueError, ValidationError):
        return None


@require_role(access.CHILD_HEALTH_ROLES)
@person_view
def worklist(request: HttpRequest) -> HttpResponse:
    user = request.user
    section = request.GET.get("section", "due")
    if section not in selectors.SECTIONS:
        section = "due"
    scope = request.GET.get("scope") or (
        "team" if getattr(user, "role", "") in ("team_leader", "school_nurse") else "mine"
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
    access.log_person_access(
        user,
        people,
        action="search",
        purpose="Child health worklist",
        channel="page",
        detail=f"{section} {scope}",
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
            "can_record": access.can_record(user),
            "page": page,
            "first_shown": page.start + 1,
            "last_shown": page.start + len(rows),
            "total": counts[section],
            "filter_query": _worklist_query(section, scope, locality, site),
        },
    )


def _worklist_query(section: str, scope: str, locality, site) -> str:
    """The worklist's filters as a query string, for the pagination links."""
    from urllib.parse import urlencode

    query = {"section": section, "scope": scope}
    if locality is not None:
        query["locality"] = str(locality.pk)
    if site is not None:
        query["site"] = str(site.public_id)
    return urlencode(query)


@require_role(access.CHILD_HEALTH_ROLES)
@person_view
def caseload(request: HttpRequest, public_id=None) -> HttpResponse:
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
    access.log_person_access(
        user, people, action="search", purpose="Health visiting caseload", channel="page"
    )
    today = timezone.localdate()
    next_due: dict[int, object] = {}
    from familyhub.childhealth.models import DueStatus, ReviewDue

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


@require_role(access.CHILD_HEALTH_ROLES)
@person_view
def child(request: HttpRequest, public_id) -> HttpResponse:
    person = access.person_for_viewer(
        request.user, public_id, purpose="Child health record", channel="page"
    )
    record = selectors.child_record(request.user, person)
    today = timezone.localdate()
    return render(
        request,
        "childhealth/child.html",
        {
            "person": person,
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
            "can_record": access.can_record(request.user),
            "referral_url": services.safeguarding_referral_url(person),
            "weight_alert_kind": AlertKind.WEIGHT,
            "resolve_form": ResolveAlertForm(),
        },
    )


@require_role(access.RECORDING_ROLES)
@person_view
def review_record(request: HttpRequest, public_id) -> HttpResponse:
    due = selectors.review_due_for_viewer(request.user, public_id)
    person = due.person
    form = ReviewForm(request.POST or None, kind=due.kind, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_record(due=due, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            access.log_person_access(
                request.user,
                [person],
                action="create",
                purpose="Record a health review",
                channel="page",
                detail=str(review.public_id),
            )
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
    from familyhub.accounts.roles import Role
    from familyhub.services.models import ServiceKind

    if getattr(user, "role", "") == Role.HEALTH_VISITOR:
        return ServiceKind.HEALTH_VISITING
    return ServiceKind.SCHOOL_NURSING


def _person_form(request, public_id, form_class, purpose: str):
    person = access.person_for_viewer(request.user, public_id, purpose=purpose, channel="page")
    return person, form_class(request.POST or None)


@require_role(access.RECORDING_ROLES)
@person_view
def measurement_add(request: HttpRequest, public_id) -> HttpResponse:
    person, form = _person_form(request, public_id, MeasurementForm, "Record height and weight")
    if request.method == "GET" and request.GET.get("context") in dict(MeasurementContext.choices):
        form = MeasurementForm(initial={"context": request.GET["context"]})
    if request.method == "POST" and form.is_valid():
        try:
            measurement = services.measurement_record(
                person=person, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            access.log_person_access(
                request.user,
                [person],
                action="create",
                purpose="Record height and weight",
                channel="page",
            )
            messages.success(
                request,
                f"BMI {measurement.bmi:.1f}, {measurement.reference} centile "
                f"{measurement.centile:.1f} recorded",
            )
            return redirect("childhealth:child", public_id=person.public_id)
    return render(
        request,
        "childhealth/simple_form.html",
        {
            "form": form,
            "person": person,
            "title": "Record height and weight",
            "button": "Save measurement",
        },
    )


@require_role(access.RECORDING_ROLES)
@person_view
def screening_add(request: HttpRequest, public_id) -> HttpResponse:
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
            _apply_errors(form, error)
        else:
            access.log_person_access(
                request.user,
                [person],
                action="create",
                purpose="Record a screening result",
                channel="page",
            )
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


@require_role(access.RECORDING_ROLES)
@person_view
def referral_add(request: HttpRequest, public_id) -> HttpResponse:
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
            _apply_errors(form, error)
        else:
            access.log_person_access(
                request.user,
                [person],
                action="create",
                purpose="Make an onward referral",
                channel="page",
            )
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


@require_role(access.ALLOCATING_ROLES)
@person_view
def allocate(request: HttpRequest, public_id) -> HttpResponse:
    person = access.person_for_viewer(
        request.user, public_id, purpose="Name the health visitor", channel="page"
    )
    form = AllocationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        from familyhub.services.selectors import teams_of

        practitioner = form.cleaned_data["practitioner"]
        team = teams_of(request.user).filter(memberships__user=practitioner).first()
        try:
            if team is None:
                raise ValidationError({"practitioner": ["Choose someone in your team"]})
            services.allocation_set(
                person=person, practitioner=practitioner, team=team, by=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            access.log_person_access(
                request.user,
                [person],
                action="change",
                purpose="Name the health visitor",
                channel="page",
            )
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


@require_role(access.CHILD_HEALTH_ROLES)
@require_POST
@person_view
def alert_resolve(request: HttpRequest, public_id) -> HttpResponse:
    alert = selectors.alert_for_viewer(request.user, public_id)
    form = ResolveAlertForm(request.POST)
    if form.is_valid():
        try:
            services.alert_resolve(alert=alert, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, "Alert resolved")
    else:
        messages.error(request, "Say what was done to resolve the alert")
    return redirect("childhealth:child", public_id=alert.person.public_id)


@require_role(access.INDICATOR_ROLES)
@no_person_data("aggregate counts only: no names, no identifiers")
def indicator_page(request: HttpRequest) -> HttpResponse:
    from familyhub.people.models import Person
    from familyhub.people.selectors import authority_of

    today = timezone.localdate()
    current = indicators.quarter_of(today)
    # The financial year starts in April: in January to March it is last calendar year's.
    current_year = today.year if today.month >= 4 else today.year - 1
    current_number = ((today.month - 4) % 12) // 3 + 1
    try:
        year = int(request.GET.get("year") or current_year)
        number = int(request.GET.get("quarter") or current_number)
        quarter = indicators.financial_quarter(year, number)
    except (ValueError, OverflowError):
        # An unreadable year or quarter shows the current quarter rather than an error page.
        quarter, year, number = current, current_year, current_number
    breakdown = request.GET.get("breakdown", "all")
    if breakdown not in indicators.BREAKDOWNS:
        breakdown = "all"
    people = Person.objects.filter(authority=authority_of(request.user))
    rows = indicators.all_indicators(people, quarter)
    if request.GET.get("format") == "csv":
        response = HttpResponse(indicators.to_csv(rows, quarter), content_type="text/csv")
        name = quarter.label.replace("/", "-").replace(" ", "_")
        response["Content-Disposition"] = f'attachment; filename="health-visiting-{name}.csv"'
        return response
    titles = {name: title for name, (title, _) in indicators.INDICATORS.items()}
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
            "breakdowns": indicators.BREAKDOWN_LABELS,
            "table": [(titles[name], table.get(name, [])) for name in indicators.INDICATORS],
        },
    )
