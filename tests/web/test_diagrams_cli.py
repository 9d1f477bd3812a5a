"""`lexflow diagrams`: list the versions, show what changed, move open cases; and the case page
draws the version a case runs on, before and after it is moved."""
import pytest
from sqlalchemy import select

import workflows
from demo.lex_sarah import SERIOUS_PATH
from engine.models import Case
from tests.changed_diagrams import (
    FEEDBACK_STEP, add_feedback_step, copy_of_shipped, remove_protect_step, with_feedback_form,
)
from tests.web.page_client import PageClient
from web import create_app


@pytest.fixture
def redeploy(app, database_url, clock):
    """Start the application again on a changed bpmn/ folder, over the same database."""
    started = []

    def start(bpmn_dir):
        started.append(create_app({"DATABASE_URL": database_url, "CLOCK": clock, "TESTING": True,
                                   "BPMN_DIR": str(bpmn_dir)}))
        return started[-1]
    yield start
    for new_app in started:
        new_app.extensions["lexflow"].db.dispose()


def lexflow(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def feedback_form(monkeypatch):
    monkeypatch.setitem(workflows.CASE_TYPES, "lex_sarah", with_feedback_form(workflows.CASE_TYPES["lex_sarah"]))


def case_id(app, diary_number) -> int:
    with app.extensions["lexflow"].db.snapshot() as session:
        return session.scalar(select(Case.id).where(Case.diary_number == diary_number))


def test_list_diff_and_migrate_a_step_removed_upstream(app, cases, redeploy, tmp_path):
    past_protect = cases.file()
    cases.walk(past_protect, *SERIOUS_PATH[:3])
    new_app = redeploy(remove_protect_step(copy_of_shipped(tmp_path / "bpmn")))

    listed = lexflow(new_app, "diagrams", "list")
    assert listed.exit_code == 0, listed.output
    assert [line for line in listed.output.splitlines() if line.startswith("lex_sarah")] == [
        "lex_sarah  version 1    driftsatt 2026-11-23 10:00  öppna ärenden: 1",
        "lex_sarah  version 4    driftsatt 2026-11-23 10:00  öppna ärenden: 0  (nuvarande)",
    ]

    diff = lexflow(new_app, "diagrams", "diff", "lex_sarah")
    assert diff.exit_code == 0, diff.output
    assert diff.output.splitlines()[0] == "lex_sarah: version 1 -> version 4"
    assert "borttaget  protect                    Vidta omedelbara åtgärder" in diff.output
    assert "ändrat     fork_receive               fork_receive (flöde ut)" in diff.output

    migrated = lexflow(new_app, "diagrams", "migrate", "lex_sarah")
    assert migrated.exit_code == 0, migrated.output
    assert migrated.output.splitlines() == [
        f"{past_protect:<16} stannar på version 1: steg som ärendet har gått igenom finns inte i den nya "
        "versionen: Vidta omedelbara åtgärder; steg som ärendet har gått igenom har ändrats: fork_receive "
        "(flöde ut), join_receive (flöde in)",
        "0 flyttade, 1 stannar",
    ]


def test_the_case_page_draws_the_version_the_case_runs_on(app, cases, redeploy, feedback_form, tmp_path):
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:3])
    new_app = redeploy(add_feedback_step(copy_of_shipped(tmp_path / "bpmn")))
    client = PageClient(new_app)
    client.sign_in("erik")
    page = f"/arenden/{case_id(new_app, case)}"

    assert f'data-element="{FEEDBACK_STEP}"' not in client.get(page).text

    dry_run = lexflow(new_app, "diagrams", "migrate", "lex_sarah", "--dry-run")
    assert dry_run.output.splitlines() == [f"{case:<16} kan flyttas från version 1 till 4", "1 kan flyttas, 0 stannar"]
    assert f'data-element="{FEEDBACK_STEP}"' not in client.get(page).text

    migrated = lexflow(new_app, "diagrams", "migrate", "lex_sarah")
    assert migrated.output.splitlines() == [f"{case:<16} flyttat från version 1 till 4", "1 flyttade, 0 stannar"]
    assert f'data-element="{FEEDBACK_STEP}"' in client.get(page).text
    assert "inga öppna ärenden kör en äldre version" in lexflow(new_app, "diagrams", "diff", "lex_sarah").output


@pytest.mark.parametrize("args, message", [
    (("diff", "okand"), "fel: okänd ärendetyp 'okand'"),
    (("diff", "lex_sarah", "--from", "99"), "fel: lex_sarah har ingen diagramversion 99"),
    (("diff", "lex_sarah", "--from", "2"), "fel: lex_sarah har ingen diagramversion 2"),
    (("migrate", "okand"), "fel: okänd ärendetyp 'okand'"),
])
def test_errors_name_what_is_wrong(app, args, message):
    result = lexflow(app, "diagrams", *args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output


def test_versions_need_a_case_type(app):
    result = lexflow(app, "diagrams", "diff", "--from", "1")
    assert result.exit_code == 2
    assert "ange ärendetypen tillsammans med --from eller --to" in result.output
