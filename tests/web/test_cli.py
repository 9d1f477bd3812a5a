"""The command line as a person uses it: the README's walk-through, and one-line errors."""

import pytest


def test_walk_through_from_report_to_registration(cli, cases):
    report = cases.report()
    filed = cli("case", "file", "--type", "lex_sarah", "--as", "anna",
                *[f"--set={k}={v}" for k, v in report.items()])
    assert filed.exit_code == 0, filed.output
    assert filed.output.strip() == "SOCN/2026:1"

    tasks = cli("task", "list", "--as", "rita")
    assert "SOCN/2026:1" in tasks.output and "register" in tasks.output and "Registrera rapporten" in tasks.output

    done = cli("task", "complete", "SOCN/2026:1", "register", "--as", "rita", f"--set=registered_on={cases.day()}")
    assert done.exit_code == 0, done.output
    assert "Nästa steg: protect" in done.output

    shown = cli("case", "show", "SOCN/2026:1", "--as", "erik")
    assert "Registreringsfrist" in shown.output and "hållen" in shown.output

    history = cli("case", "history", "SOCN/2026:1", "--as", "erik")
    assert "case.filed" in history.output and "Registrera rapporten slutförd" in history.output


def test_json_values_can_be_given_with_set(cli, cases):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator")
    entries = '[{"date": "%s", "source": "Intervju", "kind": "fact", "statement": "X", ' \
              '"author_name": "Ulla", "author_title": "SAS"}]' % cases.day()
    result = cli("task", "complete", case, "investigate", "--as", "ulla", f"--set=entries={entries}",
                 "--set=method=Intervjuer", "--set=individual_interviewed=ja", "--set=consequences=Inga",
                 "--set=causes=Schema", "--set=earlier_similar=Inga")
    assert result.exit_code == 0, result.output
    assert "Nästa steg: propose" in result.output


@pytest.mark.parametrize("args, message", [
    (("case", "show", "SOCN/2026:99", "--as", "erik"), "fel: inget ärende SOCN/2026:99"),
    (("task", "complete", "SOCN/2026:1", "register", "--as", "rita", "--set=registered_on=igår"),
     "fel: ogiltiga uppgifter: registered_on: Ange ett datum som ÅÅÅÅ-MM-DD."),
    (("task", "complete", "SOCN/2026:1", "register", "--as", "anna", "--set=registered_on=2026-11-23"),
     "fel: anna får inte utföra 'Registrera rapporten' i SOCN/2026:1"),
    (("case", "file", "--type", "lex_maria", "--as", "anna"), "fel: okänd ärendetyp 'lex_maria'"),
    (("task", "list", "--as", "nobody"), "fel: okänd person 'nobody'"),
])
def test_errors_are_one_clear_line_and_a_failing_exit_code(cli, cases, args, message):
    cases.file()
    result = cli(*args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.output


def test_flask_cli_runs_the_same_commands(database_url, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LEXFLOW_DATABASE_URL": database_url}
    flask = [sys.executable, "-m", "flask", "--app", "web"]
    assert subprocess.run([*flask, "init"], env=env, capture_output=True, timeout=120).returncode == 0
    result = subprocess.run([*flask, "task", "list", "--as", "rita"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "inga uppgifter"


def test_deadlines_list_shows_what_is_overdue_and_by_how_much(cli, cases, clock):
    from datetime import timedelta

    late = cases.file(received_on=cases.day(-10), occurred_on=cases.day(-10), noticed_on=cases.day(-10))
    on_time = cases.file()
    overdue = cli("deadlines", "list", "--overdue", "--as", "erik")
    assert late in overdue.output and on_time not in overdue.output
    assert "Registreringsfrist" in overdue.output and "dagar sen" in overdue.output
    everything = cli("deadlines", "list", "--as", "erik")
    assert late in everything.output and on_time in everything.output
    assert cli("deadlines", "list", "--as", "lena").output.strip() == "inga frister"

    clock.advance(timedelta(days=1))
    swept = cli("deadlines", "sweep")
    assert swept.output.strip() == ("2 påminnelser om frister och 0 påminnelser om åtgärder skickade, "
                                    "0 försenade åtgärder till avdelningschef, 0 försöks igen senare")
    reminders = cli("messages", "--as", "rita")
    assert f"Påminnelse: Registreringsfrist i {late}" in reminders.output
