from __future__ import annotations

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "familyhub.returns"
    label = "returns"
    verbose_name = "Statutory returns: CSDS, the OHID Healthy Child Programme metrics, Supporting Families, the Children in Need census"
