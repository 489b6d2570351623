"""What the outcomes part's import commands share: reading the file (CSV or XLSX) for a named
service, and printing the problems by row and field."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from familyhub.people.importing import ImportFileError, read_rows
from familyhub.services.models import Service


def read_for_service(path: Path, service_name: str) -> tuple[Service, list[list[str]]]:
    service = Service.objects.filter(name=service_name).first()
    if service is None:
        raise CommandError(f"No service named {service_name!r}.")
    return service, read_file(path)


def read_file(path: Path) -> list[list[str]]:
    try:
        return read_rows(path.name, path.read_bytes())
    except (OSError, ImportFileError) as error:
        raise CommandError(f"{path}: {error}")


def write_report(stdout, problems: list[tuple[int, str, str]], *, saved: int, summary: str) -> None:
    """One line per problem, then the summary; nothing saved from a file with problems fails."""
    for row, field, message in problems:
        stdout.write(f"row {row}, {field}: {message}")
    stdout.write(summary)
    if problems and not saved:
        raise CommandError("Nothing was saved.")
