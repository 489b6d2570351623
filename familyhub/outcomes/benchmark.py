"""placeholder"""

from __future__ import annotations

from typing import Any


def add_arguments(parser: Any) -> None: ...
def run(options: dict[str, Any], stdout: Any) -> None: ...
