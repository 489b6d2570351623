"""Who works the returns page.

The information or performance officer holds the commissioner/analyst role: the role that works
with aggregates and never opens a family's record as a practitioner. That is the right seat for
statutory returns, which read people only under each return's own lawful basis (returns.kinds),
never through the officer's own involvement. A manager (team leader, service manager) is a
practitioner whose own access would blur the two, and their services are only part of what a
return covers; they fix the failures from the worklist links, which open the practitioner's pages
under the usual rules."""

from __future__ import annotations

from familyhub.accounts.roles import Role

RETURNS_ROLES = frozenset({Role.COMMISSIONER})
