from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familyhub.accounts"
    label = "accounts"
    verbose_name = "Accounts"
