"""Real-time duplicate search for single registration.

CONTRACT (the people part's registration journey and API call this; the matching part owns it):

    search_candidates(*, authority, given_name="", family_name="", date_of_birth=None,
                      postcode="", nhs_number="", sex="", limit=10) -> list[Candidate]

    Candidate: person_id (int), public_id (UUID), score (float, the match weight / probability),
    probability (0-1), fields: dict[str, str] mapping field name -> "agree" | "close" | "differ" |
    "missing", so the page can say which fields agree and which differ.

Runs in the database on indexed candidate queries scored with the trained weights; never loads
the register into memory per query. Merged-away people are never returned.
"""

from __future__ import annotations
