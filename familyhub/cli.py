"""The `familyhub` console command: Django's management commands under one name.

    familyhub migrate
    familyhub load-reference familyhub/places/data/reference
    familyhub synth --people 100000 --out people.csv

Hyphenated names are accepted for our own commands (load-reference runs load_reference).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familyhub.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args[0] = "familyhub"
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        # A bad setting stops start-up with one line naming the variable, not a traceback.
        print(f"familyhub: configuration error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
