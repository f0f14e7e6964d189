"""Schema-based fuzzing of the running API (schemathesis over real HTTP to
pytest-django's live server): no server errors, and every answer — success
or problem — matches the OpenAPI document. Runs on SQLite and PostgreSQL
like the rest of the suite; a few examples per operation keep it well
under a minute.

The operations are driven one by one with Hypothesis (schemathesis's
``from_fixture``/``parametrize`` pytest integration does not run on
pytest 9)."""

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kedai.api.keys import api_key_create
from kedai.api.models import SCOPES

CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance,
          content_type_conformance, response_schema_conformance]
EXAMPLES = 4


def _runner(operation, headers):
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    return run


def test_api_answers_by_its_schema(live_server, shop, settings, monkeypatch):
    settings.KEDAI_API_RATE_LIMIT = 100_000
    # Random tokens are "misses"; keep fuzzing past the guessing throttle.
    monkeypatch.setattr("kedai.api.problems.TOKEN_MISSES_PER_WINDOW", 10**6)
    _key, secret = api_key_create(name="fuzz", scopes=list(SCOPES))
    admin = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        headers = admin if operation.path.startswith("/api/admin/") else None
        try:
            _runner(operation, headers)()
        except Exception as exc:
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
