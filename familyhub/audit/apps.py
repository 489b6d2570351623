from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "familyhub.audit"
    label = "audit"
    verbose_name = "Access log"
