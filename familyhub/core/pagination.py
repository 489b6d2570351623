"""Pages of a long list, for the GOV.UK pagination component (templates/govuk/pagination.html).

    {% include "govuk/pagination.html" with label="Pages of reviews" %}

with `page` (a Page) and, optionally, `filter_query` (the list's other query parameters) in the
context. A list whose total is already counted builds its Page with `Page.of`, and slices its
rows with `page.start` and `page.end`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of a worklist whose total is already counted (so no second COUNT query).
    A page number that is missing, not a number or out of range shows the nearest page."""

    number: int
    size: int
    total: int

    @classmethod
    def of(cls, value, *, total: int, size: int) -> Page:
        try:
            number = int(str(value or "1"))
        except ValueError:
            number = 1
        last = max(1, -(-total // size))
        return cls(min(max(1, number), last), size, total)

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def end(self) -> int:
        return self.start + self.size

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_other_pages(self) -> bool:
        return self.count > 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def items(self) -> list[int | None]:
        """Page numbers to link to, None for an ellipsis: the first, the last and the current
        one with its neighbours (the GOV.UK pagination component's pattern)."""
        wanted = {1, self.count, self.number - 1, self.number, self.number + 1}
        numbers = sorted(n for n in wanted if 1 <= n <= self.count)
        items: list[int | None] = []
        for n in numbers:
            if items and n - (items[-1] or 0) > 1:
                items.append(None)
            items.append(n)
        return items


def query_without_page(query) -> str:
    """A list's query string (request.GET) without its page number, for the pagination links."""
    rest = query.copy()
    rest.pop("page", None)
    return rest.urlencode()
