"""Writes of the returns part: start a return (a background task generates it), generate it,
mark it sent. A sent Supporting Families claim records the families it claims, logged."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from familyhub.audit.log import log_change, log_shown
from familyhub.core.models import Job
from familyhub.core.progress import job_start
from familyhub.returns import cin, csds, ohid, supporting_families
from familyhub.returns.building import BuildContext, Built, PersonKey
from familyhub.returns.kinds import SPECS, ReturnPeriod
from familyhub.returns.models import (
    ReturnKind,
    ReturnPerson,
    ReturnRun,
    ReturnStatus,
    SupportingFamiliesClaim,
)

Builder = Callable[[BuildContext], Built]

BUILDERS: dict[str, tuple[Builder, int]] = {
    ReturnKind.OHID: (ohid.build, ohid.STEPS),
    ReturnKind.CSDS: (csds.build, csds.STEPS),
    ReturnKind.SUPPORTING_FAMILIES: (supporting_families.build, supporting_families.STEPS),
    ReturnKind.CIN: (cin.build, cin.STEPS),
}


def return_start(*, kind: str, period: ReturnPeriod, authority, by) -> ReturnRun:
    """A run waiting to be generated, with the job its progress page watches."""
    spec = SPECS[kind]
    job = job_start(
        kind=f"return-{kind}", title=f"Generate the {spec.title}, {period.label}", user=by
    )
    return ReturnRun.objects.create(
        authority=authority,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        specification=spec.specification,
        generated_by=by,
        job=job,
    )


def return_enqueue(*, kind: str, period: ReturnPeriod, authority, by) -> ReturnRun:
    from familyhub.returns.tasks import generate_return  # tasks import this module

    run = return_start(kind=kind, period=period, authority=authority, by=by)
    transaction.on_commit(lambda: generate_return.enqueue(run.pk))
    return run


def return_generate(run: ReturnRun, *, advance: Callable[[int], None] | None = None) -> ReturnRun:
    """Build the return's file, check every row against its rules (the failures become the
    worklist) and say whether it validated."""
    builder, _ = BUILDERS[run.kind]
    run.failures.all().delete()
    run.people.all().delete()
    context = BuildContext(run, run.generated_by, advance=advance)
    built = builder(context)
    context.flush()
    run.file_name = built.file_name
    run.content_type = built.content_type
    run.file_bytes = built.content
    run.counts = built.counts | {"people read": context.people_count}
    run.failure_count = context.failure_count
    run.status = ReturnStatus.VALIDATED if context.blocking_count == 0 else ReturnStatus.DRAFT
    run.generated_at = timezone.now()
    run.message = ""
    run.version += 1
    run.save()
    return run


def steps(run: ReturnRun) -> int:
    return BUILDERS[run.kind][1]


def return_failed(run: ReturnRun, error: Exception) -> None:
    ReturnRun.objects.filter(pk=run.pk).update(
        status=ReturnStatus.FAILED, message=f"The return could not be generated: {error}"[:2000]
    )


def return_download_logged(run: ReturnRun, by) -> None:
    """A download of a return's file shows every person in it: one export entry each."""
    people = (
        ReturnPerson.objects.filter(run=run)
        .values_list("person_id", "person__public_id")
        .iterator(chunk_size=5000)
    )
    batch: list[PersonKey] = []
    for pk, public_id in people:
        batch.append(PersonKey(pk, public_id))
        if len(batch) >= 5000:
            _log_download(run, by, batch)
            batch = []
    _log_download(run, by, batch)


def _log_download(run: ReturnRun, by, batch: list[PersonKey]) -> None:
    if batch:
        log_shown(
            by,
            batch,
            purpose=f"Download of a statutory return: {SPECS[run.kind].title} {run.period_label}",
            channel="export",
            action="export",
            detail=f"return {run.public_id}",
        )


def return_mark_sent(run: ReturnRun, *, by, version: int) -> ReturnRun:
    """The officer says the return has gone. Only a validated return, on the version they saw;
    a Supporting Families claim records each family it claims, once in the programme."""
    errors: dict[str, str] = {}
    if run.status != ReturnStatus.VALIDATED:
        errors["status"] = "Only a validated return can be marked as sent: fix the failures first."
    if run.version != version:
        errors["version"] = "The return was generated again since you opened it: check it again."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = ReturnRun.objects.filter(pk=run.pk, version=version).update(
            status=ReturnStatus.SENT, sent_by=by, sent_at=timezone.now(), version=version + 1
        )
        if not updated:
            raise ValidationError({"version": "Someone else changed this return: check it again."})
        if run.kind == ReturnKind.SUPPORTING_FAMILIES:
            _record_claims(run, by)
    run.refresh_from_db()
    return run


def _record_claims(run: ReturnRun, by) -> None:
    claims = supporting_families.claimable_in(run)
    try:
        with transaction.atomic():
            SupportingFamiliesClaim.objects.bulk_create(
                [
                    SupportingFamiliesClaim(
                        run=run,
                        episode_id=claim.episode_id,
                        family_key=claim.family_key,
                        programme=supporting_families.PROGRAMME,
                    )
                    for claim in claims
                ]
            )
    except IntegrityError as error:
        raise ValidationError(
            {
                "status": "A family in this claim has been claimed since it was generated: "
                "generate the claim again."
            }
        ) from error
    log_change(
        by,
        [PersonKey(c.person_id, c.person_public_id) for c in claims],
        action="change",
        purpose="Supporting Families results claim sent",
        channel="page",
        detail=f"return {run.public_id}",
    )


def job_of(run: ReturnRun) -> Job | None:
    return run.job
