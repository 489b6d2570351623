from __future__ import annotations

from django.core.management.base import BaseCommand

from familyhub.demo.borough import DEMO_PASSWORD, demo_accounts, demo_is_loaded, load_demo_borough
from familyhub.env import envint


class Command(BaseCommand):
    help = "Load the demo borough once (reference figures, synthetic people, demo accounts) and list the accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--people", type=int, default=envint("FAMILYHUB_DEMO_PEOPLE", 20000, minimum=100)
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, people: int, seed: int, **options) -> None:
        if demo_is_loaded():
            self.stdout.write("The demo borough is already loaded (delete var/ to start again).")
        else:
            load_demo_borough(people=people, seed=seed, out=self.stdout)
        self.stdout.write("")
        self.stdout.write("Demo accounts (one per role), all with the password: " + DEMO_PASSWORD)
        for username, label in demo_accounts():
            self.stdout.write(f"  {username:<24} {label}")
