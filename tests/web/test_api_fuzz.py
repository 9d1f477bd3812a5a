"""Schemathesis generates requests from the OpenAPI document, valid and invalid, and checks that
the API never answers with a server error nor with anything the document does not describe."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from demo.lex_sarah import file_demo_cases
from engine import accounts
from web import create_app

# Requests the document allows may still be refused: the rules of a form (a date not in the
# future, a unit that exists, the form that fits the case type or task) are the engine's.
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

# The document depends on the code alone; each test runs against its own app and database.
DOCUMENT = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "unused"}).test_client().get("/api/openapi.json").json
schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture
def token(app, runner, clock, services):
    # Cases at different steps, so that requests naming case 1..5 reach the engine.
    file_demo_cases(runner, clock)
    # Fredrik (förvaltningschef) reads every case, so requests go as far as the engine lets them.
    with services.db.unit_of_work() as session:
        return accounts.issue_token(session, "fredrik", "schemathesis", clock.now())


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_the_api_keeps_to_its_document(case, app, token):
    # This test's app, with its own database: for the request and for the checks that send more.
    case.operation.schema.app = app
    # The document requires the Authorization header, so a generated request has one unless it
    # leaves it out on purpose to be refused; only a header that is there gets the real token.
    headers = {"Authorization": f"Bearer {token}"} if "Authorization" in (case.headers or {}) else None
    case.call_and_validate(app=app, headers=headers, excluded_checks=[positive_data_acceptance])
