"""Signing in to the pages: who you are lives in the signed session cookie, and each page
asks `current_person()` or is guarded by `login_required` / `role_required`.

Passwords and throttling are engine.accounts'; CSRF tokens on every form are web.csrf's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from engine import accounts
from engine.models import Person
from engine.organisation import Directory
from web.services import services

bp = Blueprint("auth", __name__)

# Those who follow cases across units: they see the overview (Översikt).
SUPERVISING_ROLES = ("enhetschef", "avdelningschef", "forvaltningschef", "registrator")


@dataclass(frozen=True)
class SignedIn:
    id: str
    name: str
    title: str
    roles: frozenset[str]

    def holds_any(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def supervises(self) -> bool:
        return self.holds_any(*SUPERVISING_ROLES)

    @property
    def administers(self) -> bool:
        return "administrator" in self.roles


def current_person() -> SignedIn | None:
    """The signed-in person, read once per request; None when nobody is signed in or the
    person has left the organisation since signing in."""
    if "person" not in g:
        g.person = _load(session.get("person"))
    return g.person


def _load(person_id: str | None) -> SignedIn | None:
    if not person_id:
        return None
    with services().db.lookup() as db_session:
        person = db_session.get(Person, person_id)
        if person is None:
            return None
        roles = frozenset(r.role for r in Directory(db_session).roles_of(person_id))
        return SignedIn(person.id, person.name, person.title, roles)


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_person() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapper


def role_required(*roles: str):
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_person().holds_any(*roles):
                abort(403)
            return view(*args, **kwargs)
        return login_required(wrapper)
    return decorate


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = _local_target(request.values.get("next"))
    if request.method == "GET":
        if current_person() is not None:
            return redirect(target)
        return render_template("login.html", next=target, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return _login_failed("Ange användarnamn och lösenord.", username, target, 400)
    svc = services()
    try:
        with svc.db.unit_of_work() as db_session:
            person_id = accounts.sign_in(db_session, username, password, svc.clock.now())
    except accounts.TooManyAttempts:
        return _login_failed("För många misslyckade inloggningar. Vänta en stund och försök igen.",
                             username, target, 429)
    if person_id is None:
        return _login_failed("Fel användarnamn eller lösenord.", username, target, 401)
    # A new session for the signed-in person, so a session planted before sign-in is worthless.
    session.clear()
    session["person"] = person_id
    return redirect(target)


@bp.post("/logout")
def logout():
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"))


def _login_failed(message: str, username: str, target: str, status: int):
    return render_template("login.html", error=message, username=username, next=target), status


def _local_target(target: str | None) -> str:
    """Where to go after signing in: only a path on this site, never another host."""
    default = url_for("tasks.my_tasks")
    if not target:
        return default
    parts = urlsplit(target)
    # Browsers read a backslash like a slash: /\host is //host.
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    return target
