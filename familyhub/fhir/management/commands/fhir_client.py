"""familyhub fhir-client: register a system that reads the FHIR API (as the admin does), or give
one a new secret. Prints the client_id and the secret once; only the secret's hash is kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from familyhub.accounts.models import User
from familyhub.fhir.forms import ApiClientForm
from familyhub.fhir.models import ApiClient


class Command(BaseCommand):
    help = "Register a FHIR API client tied to a service account, or issue a new secret"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", help="The system's name")
        parser.add_argument("--service-account", help="Username of the account it reads as")
        parser.add_argument("--scopes", default="patient/*.read")
        parser.add_argument("--new-secret", metavar="CLIENT_ID", help="Replace a client's secret")

    def handle(self, *args, **options) -> None:
        if options["new_secret"]:
            client = ApiClient.objects.filter(client_id=options["new_secret"]).first()
            if client is None:
                raise CommandError(f"--new-secret: no client {options['new_secret']}")
            secret = client.set_new_secret()
            client.save(update_fields=["secret_hash", "secret_set_at"])
        else:
            client, secret = self._register(options)
        self.stdout.write(f"client_id {client.client_id}\nclient_secret {secret}")

    def _register(self, options) -> tuple[ApiClient, str]:
        if not options["name"] or not options["service_account"]:
            raise CommandError("Give --name and --service-account (or --new-secret CLIENT_ID)")
        account = User.objects.filter(username=options["service_account"]).first()
        if account is None:
            raise CommandError(f"--service-account: no account {options['service_account']!r}")
        form = ApiClientForm(
            {
                "name": options["name"],
                "service_account": account.pk,
                "scopes": options["scopes"],
                "is_active": True,
            }
        )
        if not form.is_valid():
            raise CommandError(
                "; ".join(
                    f"--{f.replace('_', '-')}: {' '.join(str(m) for m in e)}"
                    for f, e in form.errors.items()
                )
            )
        client = form.save(commit=False)
        secret = client.set_new_secret()
        client.save()
        return client, secret
