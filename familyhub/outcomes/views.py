"""Outcome dashboards for commissioners and managers. Every page reads the pre-aggregated
IndicatorValue table (counts only); the one page that names people (the people behind an area's
numerator) gets them through the access layer and logs the read on channel "report"."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.access.layer import no_person_data, person_view
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import MANAGER_ROLES, Role, has_role, require_role
from familyhub.core import indicators as registry
from familyhub.core.exports import csv_stream, xlsx_download
from familyhub.outcomes import charts, exports, selectors, stats
from familyhub.outcomes.models import (
    CHARACTERISTIC_BREAKDOWNS,
    Breakdown,
    IndicatorValue,
    OutcomeFramework,
)
from familyhub.outcomes.reach_lists import reach_lists
from familyhub.outcomes.services import outcomes_refresh_enqueue
from familyhub.places.models import Area

DASHBOARD_ROLES = frozenset(
    {Role.COMMISSIONER, Role.SERVICE_MANAGER, Role.TEAM_LEADER, Role.ADMINISTRATOR}
)
REFRESH_ROLES = frozenset({Role.SERVICE_MANAGER, Role.TEAM_LEADER, Role.ADMINISTRATOR})


def _authority_or_404():
    authority = selectors.current_authority()
    if authority is None:
        raise Http404("No council is set up yet")
    return authority


def _pct(estimate: stats.Estimate | None, scale: float = 100.0) -> str:
    if estimate is None:
        return "not enough data"
    return (
        f"{estimate.value * scale:.1f} (95% CI {estimate.lower * scale:.1f} "
        f"to {estimate.upper * scale:.1f})"
    )


def _card(summary: selectors.IndicatorSummary) -> dict:
    gap = summary.gap
    scale = summary.indicator.scale
    return {
        "summary": summary,
        "chart": charts.trend_svg(summary),
        "rows": charts.trend_rows(summary),
        "gap_difference": _pct(gap.difference, scale) if gap else "not enough data",
        "gap_ratio": _pct(gap.ratio, 1.0) if gap else "not enough data",
        "most": _pct(gap.most, scale) if gap else "",
        "least": _pct(gap.least, scale) if gap else "",
    }


@require_role(DASHBOARD_ROLES)
def index(request: AuthenticatedRequest) -> HttpResponse:
    authority = selectors.current_authority()
    computed = (
        IndicatorValue.objects.filter(authority=authority).order_by("-computed_at").first()
        if authority
        else None
    )
    return render(
        request,
        "outcomes/index.html",
        {
            "frameworks": OutcomeFramework.objects.prefetch_related("areas"),
            "computed": computed.computed_at if computed else None,
            "can_refresh": has_role(request.user, REFRESH_ROLES) or request.user.is_superuser,
            "indicators": sorted(registry.all_registered().values(), key=lambda i: i.title),
        },
    )


@no_person_data("a framework's aggregate figures: counts only")
@require_role(DASHBOARD_ROLES)
def framework(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    authority = _authority_or_404()
    item = get_object_or_404(OutcomeFramework, slug=slug)
    areas = [
        (name, [{**_card(s), "proxy": proxy} for s, proxy in summaries])
        for name, summaries in selectors.framework_summaries(authority, item)
    ]
    return render(request, "outcomes/framework.html", {"framework": item, "areas": areas})


def _period(
    request: AuthenticatedRequest, indicator: registry.Indicator, latest: date | None
) -> date | None:
    raw = request.GET.get("period", "")
    if raw:
        try:
            return registry.period_of(date.fromisoformat(raw), indicator.period).start
        except ValueError:
            messages.error(request, "Period: enter a date like 2025-04-01.")
    return latest


@no_person_data("an indicator's figures by area: counts only")
@require_role(DASHBOARD_ROLES)
def indicator_detail(request: AuthenticatedRequest, key: str) -> HttpResponse:
    authority = _authority_or_404()
    indicator = registry.get(key)
    if indicator is None:
        raise Http404("No such indicator")
    summary = selectors.summary(authority, key)
    period_start = _period(
        request, indicator, summary.latest.period_start if summary.latest else None
    )
    rows = selectors.area_rows(authority, key, period_start) if period_start else []
    period_label = registry.period_of(period_start, indicator.period).label if period_start else ""
    chart = charts.areas_svg(indicator, rows, target=summary.target, period=period_label)
    breakdowns = []
    if period_start:
        for kind in (
            Breakdown.LOCALITY,
            Breakdown.QUINTILE,
            Breakdown.DECILE,
            Breakdown.SERVICE,
            Breakdown.TEAM,
            *CHARACTERISTIC_BREAKDOWNS,
        ):
            labels = selectors.breakdown_labels(authority, kind)
            values = IndicatorValue.objects.filter(
                authority=authority, indicator_key=key, breakdown=kind, period_start=period_start
            ).order_by("breakdown_id")
            table = [
                (
                    labels.get(v.breakdown_id, v.breakdown_id),
                    v.numerator,
                    v.denominator,
                    indicator.rate(v.numerator, v.denominator),
                    _interval(indicator, v.numerator, v.denominator),
                )
                for v in values
            ]
            if table:
                label = str(Breakdown(kind).label)
                # "By disability or SEND": only the first letter goes to lower case.
                caption = label[:1].lower() + label[1:]
                breakdowns.append((label, caption, sorted(table, key=lambda r: _sort(r[0]))))
    return render(
        request,
        "outcomes/indicator.html",
        {
            "indicator": indicator,
            "card": _card(summary),
            "period_label": period_label,
            "period_start": period_start,
            "rows": rows,
            "chart": chart,
            "breakdowns": breakdowns,
            "periods": list(summary.trend),
            # Passed as a flag: a template would call the function if given it.
            "has_people": indicator.people is not None,
            "has_characteristics": indicator.characteristics is not None,
        },
    )


def _interval(indicator: registry.Indicator, numerator: int, denominator: int) -> str:
    """The 95% Wilson interval of a rate, in the indicator's unit ("" for a plain ratio)."""
    if indicator.unit not in ("%", "per 1,000") or not 0 <= numerator <= denominator:
        return ""
    if not denominator:
        return ""
    estimate = stats.wilson(numerator, denominator)
    if estimate is None:
        return ""
    scale = indicator.scale
    return f"{estimate.lower * scale:.1f} to {estimate.upper * scale:.1f}"


def _sort(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (
        (0, int(digits), label)
        if digits
        and label[:1].isalpha()
        and " " in label
        and label.split()[0] in ("Decile", "Quintile")
        else (1, 0, label)
    )


@person_view
@require_role(DASHBOARD_ROLES)
def area_people(request: AuthenticatedRequest, key: str, code: str) -> HttpResponse:
    """The people behind an area's numerator, only those the viewer may see (access layer)."""
    authority = _authority_or_404()
    indicator = registry.get(key)
    if indicator is None:
        raise Http404("No such indicator")
    area = get_object_or_404(Area, authority=authority, code=code)
    summary = selectors.summary(authority, key)
    period_start = _period(
        request, indicator, summary.latest.period_start if summary.latest else None
    )
    people: list = []
    counted = 0
    if indicator.people is not None and period_start is not None:
        period = registry.period_of(period_start, indicator.period)
        behind = indicator.people(authority.pk, period.start, period.end).filter(area=area)
        counted = behind.count()
        shown = layer.visible_people(request.user).filter(pk__in=behind.values("pk"))
        if indicator.records is not None:
            # A name in the drill-down says the person has (say) a health visiting review: it is
            # a read of that record, and obeys the same rule as opening it.
            shown = layer.people_with_visible_records(
                request.user, shown, record_model=indicator.records
            )
        people = list(shown.order_by("family_name", "given_name")[:500])
        layer.log_shown(
            request.user,
            people,
            purpose=f"Outcomes: {indicator.title}, {area.name}, {period.label}",
            channel="report",
        )
    return render(
        request,
        "outcomes/area_people.html",
        {
            "indicator": indicator,
            "area": area,
            "people": people,
            "counted": counted,
            "hidden": max(0, counted - len(people)),
            "has_people": indicator.people is not None,
            "has_characteristics": indicator.characteristics is not None,
            "period_label": registry.period_of(period_start, indicator.period).label
            if period_start
            else "",
        },
    )


@no_person_data("a framework's aggregate figures as a file: counts only")
@require_role(DASHBOARD_ROLES)
def export(request: AuthenticatedRequest, slug: str, fmt: str) -> HttpResponseBase:
    authority = _authority_or_404()
    item = get_object_or_404(OutcomeFramework, slug=slug)
    publication = request.GET.get("publication") in ("1", "true", "yes")
    rows = exports.export_rows(authority, item, publication=publication)
    name = f"{slugify(item.name)}{'-publication' if publication else '-internal'}"
    if fmt == "csv":
        return csv_stream(exports.csv_rows(rows), filename=f"{name}.csv")
    if fmt == "xlsx":
        title = f"{item.name}: {'for publication (small numbers suppressed)' if publication else 'internal, real numbers'}"
        return xlsx_download(exports.xlsx_sheets(rows, title=title), filename=f"{name}.xlsx")
    raise Http404("Unknown format")


@require_POST
@require_role(REFRESH_ROLES)
def refresh_now(request: AuthenticatedRequest) -> HttpResponse:
    authority = _authority_or_404()
    job = outcomes_refresh_enqueue(authority=authority, by=request.user)
    return redirect("core:job-progress", public_id=job.public_id)


@require_role(MANAGER_ROLES)
def families_to_reach(request: AuthenticatedRequest) -> HttpResponse:
    """Lists a manager acts on: how many each rule finds by locality, and by name those the
    manager may see (logged)."""
    authority = _authority_or_404()
    lists = reach_lists(request.user, authority.pk)
    layer.log_shown(
        request.user,
        [person for each in lists for person in each.named],
        purpose="Families to reach",
    )
    return render(request, "outcomes/families_to_reach.html", {"lists": lists})
