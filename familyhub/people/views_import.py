"""The upload page of the import: upload, map columns, see the check report, import in the
background (the progress page watches the task), then download the rows to correct."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from familyhub.access.layer import person_view
from familyhub.accounts.roles import MANAGER_ROLES, Role
from familyhub.core.exports import csv_stream
from familyhub.core.forms import GovukForm, label_name, with_article
from familyhub.core.progress import job_start
from familyhub.people import importing
from familyhub.people.forms import ImportUploadForm
from familyhub.people.models import ImportStatus, PersonImport
from familyhub.people.tasks import import_people
from familyhub.services.selectors import authority_of

IMPORT_ROLES = frozenset({*MANAGER_ROLES, Role.RECEPTION, Role.ADMINISTRATOR})
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _require(request: HttpRequest) -> None:
    if getattr(request.user, "role", "") not in IMPORT_ROLES and not request.user.is_superuser:
        raise PermissionDenied


def _own_import(request: HttpRequest, public_id: uuid.UUID) -> PersonImport:
    # An import is seen only by the person who uploaded it (it holds people's details).
    return get_object_or_404(PersonImport, public_id=public_id, created_by=request.user)


def import_upload(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is larger than 50 MB: split it into smaller files")
        else:
            try:
                person_import = importing.prepare_import(
                    authority=authority_of(request.user),
                    by=request.user,
                    filename=upload.name,
                    data=upload.read(),
                    mapping=None,
                )
            except importing.ImportFileError as error:
                # Unrecognised columns are worth mapping by hand: keep the file for that.
                form.add_error("file", str(error))
                kept = _keep_for_mapping(request, upload, error)
                if kept is not None:
                    return redirect("people:import-check", public_id=kept.public_id)
            else:
                return redirect("people:import-check", public_id=person_import.public_id)
    return render(request, "people/import_upload.html", {"form": form})


def _keep_for_mapping(request, upload, error) -> PersonImport | None:
    upload.seek(0)
    try:
        rows = importing.read_rows(upload.name, upload.read())
    except importing.ImportFileError:
        return None  # the file itself is unreadable: the form error says why
    messages.info(request, str(error))
    authority = authority_of(request.user)
    if authority is None:
        return None
    return PersonImport.objects.create(
        authority=authority,
        filename=upload.name[:200],
        rows=rows,
        mapping=importing.auto_mapping(rows[0]),
        created_by=request.user,
        bad_rows=[],
    )


class MappingForm(GovukForm):
    def __init__(self, *args, headers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *[(h, h) for h in headers]]
        # "Select the column with the family name", not "Select the family name".
        self.error_names = {
            field: f"the column with {with_article(label_name(label))}"
            for field, label in importing.FIELD_LABELS.items()
        }
        for field, label in importing.FIELD_LABELS.items():
            self.fields[field] = forms.ChoiceField(
                label=label, choices=choices, required=field in importing.REQUIRED
            )


@person_view
def import_check(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require(request)
    person_import = _own_import(request, public_id)
    if person_import.status != ImportStatus.CHECKED:
        return redirect("people:import-result", public_id=person_import.public_id)
    headers = person_import.rows[0]
    form = MappingForm(request.POST or None, headers=headers, initial=person_import.mapping)
    mapping_ok = True
    try:
        importing.check_mapping(headers, person_import.mapping)
    except importing.ImportFileError as error:
        mapping_ok = False
        form.errors  # noqa: B018 - bind before adding errors
        if not form.is_bound:
            messages.info(request, str(error))
    if request.method == "POST" and form.is_valid():
        mapping = {field: column for field, column in form.cleaned_data.items() if column}
        try:
            importing.remap(person_import, mapping)
        except importing.ImportFileError as error:
            form.add_error(None, str(error))
        else:
            if request.POST.get("action") == "import":
                job = job_start(
                    kind="people-import",
                    title=f"Import {person_import.filename}",
                    total=len(person_import.rows) - 1 - len(person_import.bad_rows),
                    user=request.user,
                )
                person_import.job = job
                person_import.status = ImportStatus.RUNNING
                person_import.save(update_fields=["job", "status"])

                import_people.enqueue(person_import.pk, job.pk, request.user.pk)
                return redirect("core:job-progress", public_id=job.public_id)
            return redirect("people:import-check", public_id=person_import.public_id)
    total = len(person_import.rows) - 1
    return render(
        request,
        "people/import_check.html",
        {
            "person_import": person_import,
            "form": form,
            "mapping_ok": mapping_ok,
            "total": total,
            "bad": person_import.bad_rows[:200],
            "bad_count": len(person_import.bad_rows),
            "good_count": total - len(person_import.bad_rows),
            "sample": person_import.rows[1:6],
            "headers": headers,
        },
    )


@person_view
def import_result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    _require(request)
    person_import = _own_import(request, public_id)
    return render(
        request,
        "people/import_result.html",
        {
            "person_import": person_import,
            "bad": person_import.bad_rows[:200],
            "bad_count": len(person_import.bad_rows),
        },
    )


@person_view
def import_bad_rows(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    _require(request)
    person_import = _own_import(request, public_id)
    stem = person_import.filename.rsplit(".", 1)[0]
    # Up to 200,000 rows: streamed, not built in memory first.
    return csv_stream(importing.bad_rows(person_import), filename=f"{stem}-to-correct.csv")
