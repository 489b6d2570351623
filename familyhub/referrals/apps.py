from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "familyhub.referrals"
    label = "referrals"
    verbose_name = "Referrals"
