"""One page of a listing: what the engine's listings return, the API sends and the pages draw."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

MAX_PAGE_SIZE = 100

Item = TypeVar("Item")


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    total: int  # matching rows on all pages
    page: int  # from 1
    page_size: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.page_size)


def check(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page from 1, page_size from 1 to {MAX_PAGE_SIZE}")
