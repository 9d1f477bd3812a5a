"""Other systems sign in with a token (`lexflow token create`), sent as `Authorization: Bearer <token>`.
The token acts as its person: every access rule is that person's."""
from __future__ import annotations

from flask import g, request
from flask_smorest import abort

from engine import accounts
from web.services import services

SECURITY_SCHEME = {"type": "http", "scheme": "bearer",
                   "description": "A token made with `lexflow token create --as PERSON --name SYSTEM`."}


def authenticate() -> None:
    """Before each API request: who the token acts as, or 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    person = None
    if scheme.lower() == "bearer" and token.strip():
        with services().db.lookup() as session:
            person = accounts.person_for_token(session, token.strip())
    if person is None:
        abort(401, message="Ange en giltig API-nyckel: Authorization: Bearer <nyckel>.",
              headers={"WWW-Authenticate": 'Bearer realm="lexflow"'})
    g.api_person = person


def person() -> str:
    """The person the request's token acts as."""
    return g.api_person
