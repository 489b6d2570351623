"""familyhub pds-standin: the local stand-in for the Personal Demographics Service, for the demo
(the tests start their own). Point FAMILYHUB_PDS_BASE_URL at the address it prints (the demo's
default is http://127.0.0.1:8787/personal-demographics/FHIR/R4)."""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand

from familyhub.people.models import Person, Sex
from familyhub.tracing.standin import StandIn, made_up_number

GENDERS: dict[str, str] = {Sex.FEMALE: "female", Sex.MALE: "male"}


def add_register(standin: StandIn) -> int:
    """Let the stand-in know the demo register the way PDS would: most people under the number
    the register holds, some (3%) under another number (a review), some (2%) not at all (no
    match), and 85% of those the register has no number for. Invented people, invented numbers;
    it reads the register directly because it plays the NHS's part, not a page's."""
    added = 0
    rows = Person.objects.filter(
        merged_into__isnull=True, is_unborn=False, date_of_birth__isnull=False
    ).values_list(
        "public_id", "nhs_number", "given_name", "family_name", "date_of_birth", "sex", "postcode"
    )
    for public_id, number, given, family, born, sex, postcode in rows.iterator():
        draw = int(hashlib.sha256(f"pds:{public_id}".encode()).hexdigest()[:4], 16) % 100
        if number and draw < 2 or not number and draw < 15:
            continue  # PDS does not know them by these details
        if not number or draw < 5:
            number = made_up_number(str(public_id))
        standin.add_patient(
            number,
            family=family,
            given=given or "",
            birth_date=born.isoformat() if born else "",
            gender=GENDERS.get(sex, "unknown"),
            postcode=postcode,
        )
        added += 1
    return added


class Command(BaseCommand):
    help = "Serve a local stand-in for the Personal Demographics Service FHIR API (demo only)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8787)
        parser.add_argument(
            "--no-register", action="store_true", help="hold only the sandbox's patients"
        )
        parser.add_argument(
            "--refuse", type=int, metavar="STATUS", help="answer every request with this status"
        )
        parser.add_argument("--hang", type=float, metavar="SECONDS", help="wait before answering")

    def handle(self, *args, **options) -> None:  # type: ignore[no-untyped-def]
        standin = StandIn(options["host"], options["port"])
        held = 0 if options["no_register"] else add_register(standin)
        if options["refuse"]:
            standin.refuse(options["refuse"])
        if options["hang"]:
            standin.hang(options["hang"])
        self.stdout.write(
            f"PDS stand-in at {standin.base_url} (token endpoint {standin.token_url}), holding "
            f"the sandbox's patients and {held} from the register. Ctrl-C stops it."
        )
        try:
            standin.serve_forever()
        except KeyboardInterrupt:
            standin.stop()
