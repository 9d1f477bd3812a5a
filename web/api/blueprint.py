"""What every part of the API shares: it acts as the token's person, and answers the
engine's errors in JSON with their status (web.api.LexflowApi.handle_engine_error)."""
from __future__ import annotations

from flask_smorest import Blueprint, current_api

from engine.errors import LexflowError
from web.api.tokens import authenticate


def api_blueprint(name: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, __name__, url_prefix="/api/v1", description=description)
    blueprint.before_request(authenticate)
    blueprint.register_error_handler(LexflowError, lambda error: current_api.handle_engine_error(error))
    return blueprint
