"""Benchmarks as subcommands of `familyhub bench`. Each part registers its own from its
AppConfig.ready():

    from familyhub.core import bench
    bench.register("matching", handler, add_arguments)

handler(options: dict, stdout) -> None runs it and writes its report; add_arguments(parser)
adds its options to its subcommand's parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Bench:
    name: str
    handler: Callable[[dict[str, Any], Any], None]
    add_arguments: Callable[[Any], None] | None = None
    help: str = ""


_BENCHES: dict[str, Bench] = {}


def register(
    name: str,
    handler: Callable[[dict[str, Any], Any], None],
    add_arguments: Callable[[Any], None] | None = None,
    *,
    help: str = "",
) -> None:
    _BENCHES[name] = Bench(name, handler, add_arguments, help)


def benches() -> dict[str, Bench]:
    return dict(sorted(_BENCHES.items()))


def _register_core_benches() -> None:
    # Core's own benches; pagebench imports only the standard library at module level.
    from familyhub.core import pagebench

    register(
        "pages",
        pagebench.handle,
        pagebench.add_arguments,
        help="Worklist pages under N concurrent signed-in users (gunicorn, p95 and pages/s)",
    )


_register_core_benches()
