"""What casework asks of the parts above it (core.hooks: they register in ready()).

    information_pack_sections.register(network_section)  # f(user, episode) -> [PackSection]

A section reads people through the access layer like any page, and logs whom it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from familyhub.core.hooks import Hook

information_pack_sections: Hook[Callable[[Any, Any], Iterable[Any]]] = Hook(
    "information_pack_sections", "parts of the child protection information pack other parts add"
)
