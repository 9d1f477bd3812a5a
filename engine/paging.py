"""One page of a listing: what the engine's listings return, the API sends and the pages draw."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_PAGE_SIZE = 100
# A count costs as many rows as it counts, and everything a person may read is most of the
# archive for a registrator or a chief: a listing counts this many (or to the end of its page,
# when that is further) and says "more" beyond, as search engines do (Elasticsearch's
# track_total_hits).
COUNT_LIMIT = 1000

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    total: int  # matching rows on all pages, counted up to COUNT_LIMIT or this page's end
    total_exact: bool  # False: more than `total` match
    page: int  # from 1
    page_size: int

    @property
    def pages(self) -> int:
        """How many pages there are; at least that many when the total is not exact."""
        at_least = self.total if self.total_exact else self.total + 1
        return -(-at_least // self.page_size)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def check(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page from 1, page_size from 1 to {MAX_PAGE_SIZE}")


def count(session: Session, found: Select, page: int, page_size: int) -> tuple[int, bool]:
    """Page's `total` and `total_exact` for the rows `found` selects. A count stopped at the
    page's end or later still tells whether there is a next page."""
    limit = max(COUNT_LIMIT, page * page_size)
    counted = session.scalar(select(func.count()).select_from(found.limit(limit + 1).subquery()))
    return min(counted, limit), counted <= limit
