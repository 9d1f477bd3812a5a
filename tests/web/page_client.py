"""A test client that uses the pages as a person does: signs in through /login and posts
forms with the CSRF token of the page they came from (CSRF protection stays on)."""
from __future__ import annotations

import re
from html import unescape

from engine import accounts

PASSWORD = "rätt-lösenord-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def set_password(app, person: str, password: str = PASSWORD) -> None:
    services = app.extensions["lexflow"]
    with services.db.unit_of_work() as session:
        accounts.set_password(session, person, password, services.clock.now())


def field_value(html: str, name: str) -> str | None:
    """The value an input or textarea named `name` shows, or None if there is none."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    if found:
        return unescape(found.group(1))
    found = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(found.group(1)) if found else None


def checked(html: str, name: str) -> list[str]:
    """The values of the checked radio buttons or check boxes named `name`."""
    return [unescape(v) for v in re.findall(rf'name="{re.escape(name)}" value="([^"]*)" checked', html)]


def selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    found = select and re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return unescape(found.group(1)) if found else None


class PageClient:
    def __init__(self, app):
        self.app = app
        self.client = app.test_client()

    def sign_in(self, person: str):
        set_password(self.app, person)
        response = self.submit("/login", {"username": person, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return response

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url: str, data: dict, page: str | None = None, **kwargs):
        """Post a form as a browser would after showing `page` (by default the same url)."""
        token = csrf_token(self.client.get(page or url).text)
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)
