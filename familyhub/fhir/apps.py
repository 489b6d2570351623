from __future__ import annotations

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "familyhub.fhir"
    label = "fhir"
    verbose_name = "FHIR UK Core R4 API: read and search for other systems"
