from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "familyhub.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from familyhub.accounts.roles import PRACTITIONER_ROLES
        from familyhub.core.navigation import register
        from familyhub.people.views_import import IMPORT_ROLES

        register("Register a family", "people:register", roles=PRACTITIONER_ROLES, order=10)
        register("Import people", "people:import", roles=IMPORT_ROLES, order=80)
