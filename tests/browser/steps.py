"""What people do again and again in the browser tests: open a task from Mina uppgifter and
finish the step on the case page."""
from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def open_task(page: Page, diary_number: str, title: str) -> Locator:
    """Go to Mina uppgifter, follow the task `title` of the case, and return its task card."""
    page.goto("/uppgifter")
    row = page.locator("tbody tr", has_text=diary_number).filter(has_text=title)
    row.get_by_role("link", name=title).click()
    card = page.locator(".task-card", has=page.get_by_role("heading", name=title, exact=True))
    expect(card).to_be_visible()
    return card


def finish(card: Locator) -> None:
    """Press the card's "Slutför" button and wait for the page that follows."""
    with card.page.expect_navigation():
        card.get_by_role("button", name="Slutför").click()
