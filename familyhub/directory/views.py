"""The directory's pages: the public search (no sign-in), a service's page, the editors'
worklist, editing and imports, and signposting from a person's or a family's record."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from familyhub.access import layer
from familyhub.access.layer import no_person_data, person_view
from familyhub.directory import permissions, quality, services
from familyhub.directory.forms import (
    CheckedForm,
    FindForm,
    ImportForm,
    NewRecordForm,
    RecordForm,
    SignpostForm,
    SignpostSearchForm,
)
from familyhub.directory.importing import start_import
from familyhub.directory.models import DirectoryService, ImportRun, Origin, Status
from familyhub.directory.selectors import (
    PostcodeProblem,
    Results,
    locate,
    search,
    service_for_public,
)
from familyhub.directory.tasks import import_feed
from familyhub.directory.taxonomy import needs_terms
from familyhub.places.models import Authority
from familyhub.services.selectors import authority_of, deployment_authority

DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# --- the public side -----------------------------------------------------------------------------


@login_not_required
@no_person_data("The public service directory")
def find(request: HttpRequest) -> HttpResponse:
    """Find a service by need and postcode, nearest first. A GET form: works without JavaScript,
    and a search is a link a parent can keep."""
    asked = bool(request.GET)
    form = FindForm(request.GET if asked else None)
    results: Results | None = None
    status = 200
    if asked and form.is_valid():
        place = None
        postcode = form.cleaned_data["postcode"].strip()
        if postcode:
            try:
                place = locate(postcode)
            except PostcodeProblem as problem:
                form.add_error("postcode", str(problem))
                status = 400
        if not form.errors:
            results = search(
                need=form.need_term(),
                place=place,
                words=form.cleaned_data["words"].strip(),
                page=_page_number(request),
            )
    elif asked:
        status = 400
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/find.html",
        {"form": form, "results": results, "query": query.urlencode(), "days": DAYS},
        status=status,
    )


@login_not_required
@no_person_data("A service in the public directory")
def service_page(request: HttpRequest, oruk_id: uuid.UUID) -> HttpResponse:
    entry = service_for_public(oruk_id)
    if entry is None:
        raise Http404("No such service")
    return render(request, "directory/service.html", {"entry": entry, "days": DAYS})


# --- the editors' side ---------------------------------------------------------------------------


def _editor(request: HttpRequest) -> None:
    if not permissions.can_edit(request.user):
        raise PermissionDenied


def _authority_id(request: HttpRequest) -> int:
    authority = authority_of(request.user) or deployment_authority()
    if authority is None:
        raise Http404("No council")
    return authority.pk


@no_person_data("The directory's worklist of records to check")
def worklist(request: HttpRequest) -> HttpResponse:
    """Stale records first (never checked, then longest ago), with what each lacks."""
    _editor(request)
    show = request.GET.get("show", "stale")
    records = DirectoryService.objects.filter(withdrawn_at__isnull=True).select_related(
        "organization", "feed"
    )
    if show == "stale":
        records = records.filter(quality.stale_q())
    elif show == "incomplete":
        records = records.filter(completeness__lt=70)
    records = records.order_by("assured_date", "completeness", "name").prefetch_related(
        *quality.QUALITY_PREFETCH
    )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    rows = [(entry, quality.missing(entry)) for entry in page]
    return render(
        request,
        "directory/worklist.html",
        {
            "rows": rows,
            "page": page,
            "show": show,
            "stale_months": quality.stale_before(),
            "stale_count": DirectoryService.objects.filter(withdrawn_at__isnull=True)
            .filter(quality.stale_q())
            .count(),
        },
    )


def _record_initial(entry: DirectoryService) -> dict:
    return {
        "name": entry.name,
        "description": entry.description,
        "url": entry.url,
        "email": entry.email,
        "status": entry.status,
        "minimum_age": entry.minimum_age,
        "maximum_age": entry.maximum_age,
        "alert": entry.alert,
        "needs": [term.code for term in entry.terms.all() if term.code],
        "version": entry.version,
    }


def _details(data: dict, kept_terms=()) -> services.RecordDetails:
    chosen = set(data["needs"])
    return services.RecordDetails(
        name=data["name"],
        description=data["description"],
        url=data["url"],
        email=data["email"],
        status=data["status"],
        minimum_age=data["minimum_age"],
        maximum_age=data["maximum_age"],
        alert=data["alert"],
        terms=[term for term in needs_terms() if term.code in chosen] + list(kept_terms),
    )


@no_person_data("A new directory record (a service, not a person)")
def record_new(request: HttpRequest) -> HttpResponse:
    """An editor adds a service that no feed or council record brings in."""
    _editor(request)
    authority_id = _authority_id(request)
    form = NewRecordForm(request.POST or None, initial={"status": Status.ACTIVE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.record_create(
                authority=Authority.objects.get(pk=authority_id),
                by=request.user,
                details=_details(data),
                organization_name=data["organization"],
                where=services.Where(
                    address_1=data["address_1"],
                    city=data["city"],
                    postal_code=data["postal_code"],
                ),
                checked=data["checked"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"{entry.name} added to the directory.")
            return redirect("directory:edit", entry.oruk_id)
    return render(
        request,
        "directory/new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@no_person_data("A directory record (a service, not a person)")
def record_edit(request: HttpRequest, oruk_id: uuid.UUID) -> HttpResponse:
    _editor(request)
    entry = get_object_or_404(DirectoryService, oruk_id=oruk_id)
    form = RecordForm(request.POST or None, initial=_record_initial(entry))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kept_other = [
            term for term in entry.terms.all() if term.code not in {t.code for t in needs_terms()}
        ]
        details = _details(data, kept_other)
        try:
            services.record_update(
                entry=entry,
                by=request.user,
                version=data["version"],
                details=details,
                checked=data["checked"],
            )
        except services.DirectoryConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("directory:edit", entry.oruk_id)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "Record saved.")
            return redirect("directory:worklist")
    entry.missing = quality.missing(  # type: ignore[attr-defined]
        DirectoryService.objects.prefetch_related(*quality.QUALITY_PREFETCH).get(pk=entry.pk)
    )
    return render(
        request,
        "directory/edit.html",
        {
            "form": form,
            "entry": entry,
            "checked_form": CheckedForm(initial={"version": entry.version}),
            "from_feed": entry.origin == Origin.IMPORTED,
            "from_council": entry.origin in (Origin.COUNCIL_SERVICE, Origin.HUB_SESSIONS),
        },
        status=400 if request.method == "POST" else 200,
    )


@no_person_data("A directory record (a service, not a person)")
def record_checked(request: HttpRequest, oruk_id: uuid.UUID) -> HttpResponse:
    _editor(request)
    entry = get_object_or_404(DirectoryService, oruk_id=oruk_id)
    if request.method != "POST":
        return redirect("directory:edit", entry.oruk_id)
    form = CheckedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date: read the record and try again.")
        return redirect("directory:edit", entry.oruk_id)
    try:
        services.mark_checked(entry=entry, by=request.user, version=form.cleaned_data["version"])
    except services.DirectoryConflict as conflict:
        messages.error(request, str(conflict))
        return redirect("directory:edit", entry.oruk_id)
    messages.success(request, f"{entry.name} marked as checked today.")
    return redirect("directory:worklist")


@no_person_data("Imports of other directories (services, not people)")
def imports(request: HttpRequest) -> HttpResponse:
    _editor(request)
    form = ImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = start_import(
            authority_id=_authority_id(request),
            source=form.cleaned_data["source"],
            name=form.cleaned_data["name"],
            by=request.user,
        )
        import_feed.enqueue(run.pk)
        messages.success(
            request, "The import has started. This page shows its report when it ends."
        )
        return redirect("directory:import", run.public_id)
    runs = ImportRun.objects.select_related("feed").order_by("-created_at")[:30]
    return render(
        request,
        "directory/imports.html",
        {"form": form, "runs": runs},
        status=400 if request.method == "POST" else 200,
    )


@no_person_data("An import's report (services, not people)")
def import_run(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _editor(request)
    run = get_object_or_404(ImportRun.objects.select_related("feed"), public_id=public_id)
    return render(request, "directory/import.html", {"run": run})


# --- signposting from a record -------------------------------------------------------------------


@person_view
def signpost(request: HttpRequest, person_id: uuid.UUID) -> HttpResponse:
    """Find services near the family for a need, and record which one the person was told of."""
    purpose = "Signpost to a service"
    person = layer.person_for_viewer(request.user, person_id, purpose=purpose)
    teams = list(permissions.signposting_teams(request.user, person.authority_id))
    if not teams:
        raise Http404("No such page")
    source = request.POST if request.method == "POST" else request.GET
    asked = "need" in source
    search_form = SignpostSearchForm(
        source if asked else None, initial={"postcode": person.postcode}
    )
    results: Results | None = None
    if asked and search_form.is_valid():
        try:
            place = locate(search_form.cleaned_data["postcode"])
        except PostcodeProblem as problem:
            search_form.add_error("postcode", str(problem))
        else:
            results = search(need=search_form.need_term(), place=place, per_page=10)
    choices = (
        [(str(found.service.oruk_id), found.service.name) for found in results.found]
        if results
        else []
    )
    form = SignpostForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"given_on": timezone.localdate()},
    )
    if request.method == "POST" and results is not None and form.is_valid():
        entry = DirectoryService.objects.get(oruk_id=form.cleaned_data["service"])
        try:
            services.signpost_create(
                person=person,
                by=request.user,
                team=teams[0],
                entry=entry,
                need=search_form.need_term(),
                given_on=form.cleaned_data["given_on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, f"Signpost to {entry.name} recorded.")
            return redirect(reverse("people:person", args=[person.public_id]))
    status = 400 if search_form.errors or (request.method == "POST" and form.errors) else 200
    return render(
        request,
        "directory/signpost.html",
        {
            "person": person,
            "search_form": search_form,
            "form": form,
            "results": results,
            "days": DAYS,
        },
        status=status,
    )
