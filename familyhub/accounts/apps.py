from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familyhub.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Imported here, not at the top: an AppConfig module loads before the models do.
        from familyhub.accounts.roles import Role
        from familyhub.core import navigation

        # Accounts, teams, sites and reference data are kept in Django's administration site.
        navigation.register(
            "Administration site",
            "admin:index",
            roles={Role.ADMINISTRATOR},
            order=90,
        )
