"""The pages people use in a browser, in Swedish."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug import exceptions as http

from engine import errors
from web import auth
from web.pages import (
    actions, admin, cases, delegation, display, documents, feedback, overview, reports, statistics, tasks,
)
from web.pages.org import organisation

ERROR_PAGES = {
    400: ("Felaktig begäran", "Sidan kunde inte visas för att begäran var felaktig."),
    403: ("Ingen behörighet", "Du har inte behörighet att se det här. Ärenden visas bara för dem som "
                              "behöver dem i sitt arbete."),
    404: ("Sidan finns inte", "Det finns ingen sida eller inget ärende på den adressen."),
    405: ("Fel sorts begäran", "Sidan kan inte användas på det sättet."),
    409: ("Det gick inte att spara", "Ärendet kunde inte föras vidare."),
    429: ("För många försök", "Du har gjort för många försök på kort tid. Vänta en stund och försök igen."),
    500: ("Något gick fel", "Ett oväntat fel uppstod. Inget har sparats. Försök igen om en stund."),
}
CSRF_MESSAGE = ("Formuläret har gått ut eller saknar sin säkerhetskod. Gå tillbaka, ladda om sidan och "
                "skicka formuläret igen.")


def init_app(app: Flask) -> None:
    for blueprint in (auth.bp, tasks.bp, reports.bp, feedback.bp, cases.bp, documents.bp, actions.bp, overview.bp,
                      admin.bp, delegation.bp, statistics.bp):
        app.register_blueprint(blueprint)
    display.register(app)
    app.context_processor(_layout)
    for code in ERROR_PAGES:
        app.register_error_handler(code, _http_error)
    app.register_error_handler(CSRFError, lambda error: _error_page(400, "Formuläret kunde inte skickas",
                                                                    CSRF_MESSAGE))
    app.register_error_handler(errors.NotFound, lambda error: _http_error(http.NotFound()))
    app.register_error_handler(errors.Forbidden, lambda error: _http_error(http.Forbidden()))
    app.register_error_handler(errors.LexflowError, lambda error: _http_error(http.Conflict(str(error))))


def _layout() -> dict:
    return {"person": auth.current_person(), "org": organisation()}


def _http_error(error: http.HTTPException):
    if request.path.startswith("/api/"):
        # The API answers in JSON: hand the error to its generic handler, if it has one.
        api_handler = current_app.error_handler_spec[None][None].get(http.HTTPException)
        return api_handler(error) if api_handler else error
    title, message = ERROR_PAGES.get(error.code, (error.name, error.description))
    if error.code == 409 and error.description:
        message = f"{message} {error.description[:1].upper()}{error.description[1:]}."
    return _error_page(error.code, title, message)


def _error_page(code: int, title: str, message: str):
    return render_template("error.html", code=code, title=title, message=message), code
