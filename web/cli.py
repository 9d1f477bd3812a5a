"""The `lexflow` command: set up the database and walk cases through their steps.

Built on Flask's CLI, so `flask --app web <command>` does the same.
"""
from __future__ import annotations

import functools
import itertools
import json
import logging
import sys
import threading
from pathlib import Path

import click
import yaml
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from sqlalchemy import select

from engine import accounts, delegation_decisions, diagram_versions, organisation, paging, queries
from engine.models import Person
from engine.access import Sight
from engine.errors import LexflowError
from engine.tracking import due_time, lateness, local_time
from web.pages import delegation
from web.services import services

STATUS_LABELS = {"open": "öppet", "closed": "avslutat"}
DEADLINE_LABELS = {"pending": "väntar", "overdue": "försenad", "met": "hållen", "late": "överskriden"}


def main() -> None:
    from web import create_app
    FlaskGroup(create_app=create_app, add_default_commands=True,
               help="lexflow: avvikelser, lex Sarah och klagomål på BPMN.")(prog_name="lexflow")


def reports_errors(command):
    """Every expected error becomes one line on stderr and exit code 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except LexflowError as error:
            click.echo(f"fel: {error}", err=True)
            sys.exit(1)
    return wrapper


def as_person(command):
    return click.option("--as", "person", required=True, envvar="LEXFLOW_USER",
                        help="Vem du är (person-id i organisationen); eller LEXFLOW_USER.")(command)


def form_options(command):
    command = click.option("--set", "pairs", multiple=True, metavar="FÄLT=VÄRDE",
                           help="Ett fält; värden som börjar med [ eller { läses som JSON.")(command)
    return click.option("--data", "data_file", type=click.Path(exists=True, dir_okay=False),
                        help="En JSON- eller YAML-fil med fälten.")(command)


def read_form(pairs: tuple[str, ...], data_file: str | None) -> dict:
    data = yaml.safe_load(Path(data_file).read_text(encoding="utf-8")) if data_file else {}
    if not isinstance(data, dict):
        raise click.BadParameter("filen ska innehålla ett objekt med fält", param_hint="--data")
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} ska skrivas FÄLT=VÄRDE", param_hint="--set")
        data[key] = _parse_value(key, value)
    return data


def _parse_value(key: str, value: str):
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise click.BadParameter(f"{key}: ogiltig JSON ({error.msg})", param_hint="--set") from error
    return value


def register(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(init)
    app.cli.add_command(demo)
    app.cli.add_command(org_group)
    app.cli.add_command(case_group)
    app.cli.add_command(task_group)
    app.cli.add_command(deadlines_group)
    app.cli.add_command(scheduler)
    app.cli.add_command(outbox_group)
    app.cli.add_command(messages)
    app.cli.add_command(user_group)
    app.cli.add_command(token_group)
    app.cli.add_command(delegation_group)
    app.cli.add_command(diagrams_group)
    app.cli.add_command(serve)
    app.cli.add_command(report_group)
    from web import records_cli  # it adds to the groups above
    records_cli.register(app)


@click.group(cls=AppGroup, name="db", help="Databasen.")
def db_group():
    pass


@db_group.command("upgrade", help="Skapa eller uppgradera databasschemat (Alembic).")
@reports_errors
def db_upgrade():
    services().db.upgrade()
    click.echo(f"databasen är uppdaterad: {services().db.engine.url.render_as_string(hide_password=True)}")


@click.command("init", help="Skapa databasen och läs in organisationen (som standard demo-organisationen).")
@with_appcontext
@click.option("--organisation", "org_file", type=click.Path(exists=True, dir_okay=False),
              help="Organisationsfil (YAML).")
@reports_errors
def init(org_file):
    svc = services()
    svc.db.upgrade()
    _load_organisation(Path(org_file or svc.config["ORGANISATION_FILE"]))
    svc.runner  # loads, checks and deploys the diagrams
    click.echo("lexflow är redo. Prova: lexflow case file --help")


@click.command("demo", help="Lämna in några demoärenden i olika steg.")
@with_appcontext
@reports_errors
def demo():
    from demo import DEMO_PASSWORD, avvikelse, klagomal, lex_sarah

    svc = services()
    filed = [number for module in (lex_sarah, avvikelse, klagomal)
             for number in module.file_demo_cases(svc.runner, svc.clock)]
    for diary_number in filed:
        view = svc.runner.show_case(diary_number, "fredrik")
        steps = ", ".join(t.name for t in view.tasks) or STATUS_LABELS[view.status]
        click.echo(f"{diary_number:<14} {view.case_type:<10} {view.unit:<18} {steps}")
    with svc.db.unit_of_work() as session:
        for person in session.scalars(select(Person)):
            accounts.set_password(session, person.id, DEMO_PASSWORD, svc.clock.now())
    click.echo(f"Alla demopersoner har lösenordet {DEMO_PASSWORD!r}.")


@click.group(cls=AppGroup, name="org", help="Organisationen: enheter, personer, roller, delegering.")
def org_group():
    pass


@org_group.command("load", help="Läs in en organisationsfil (YAML).")
@click.argument("org_file", type=click.Path(exists=True, dir_okay=False))
@reports_errors
def org_load(org_file):
    _load_organisation(Path(org_file))


def _load_organisation(path: Path) -> None:
    data = organisation.read_file(path)
    svc = services()
    with svc.db.unit_of_work() as session:
        organisation.load(session, data, svc.clock.now())
    click.echo(f"organisationen {data['name']!r} är inläst: {len(data['people'])} personer, "
               f"{sum(len(d['units']) for d in data['departments'])} enheter")


@click.group(cls=AppGroup, name="case", help="Ärenden.")
def case_group():
    pass


@case_group.command("file", help="Lämna in en rapport; skriver ut diarienumret.")
@click.option("--type", "case_type", required=True, help="Ärendetyp, t.ex. lex_sarah.")
@as_person
@form_options
@click.option("--link", "links", multiple=True, metavar="RELATION=ÄRENDE",
              help="Länka till ett annat ärende, t.ex. related=SOCN/2026:3.")
@reports_errors
def case_file(case_type, person, pairs, data_file, links):
    parsed = []
    for link in links:
        relation, sep, other = link.partition("=")
        if not sep or not relation or not other:
            raise click.BadParameter(f"{link!r} ska skrivas RELATION=ÄRENDE", param_hint="--link")
        parsed.append((relation, other))
    filed = services().runner.file_case(case_type, read_form(pairs, data_file), person, tuple(parsed))
    click.echo(filed.diary_number)


@case_group.command("show", help="Visa ett ärende (diarienummer eller id).")
@click.argument("case_ref")
@as_person
@click.option("--json", "as_json", is_flag=True, help="Skriv ut som JSON.")
@reports_errors
def case_show(case_ref, person, as_json):
    view = services().runner.show_case(case_ref, person)
    if as_json:
        click.echo(json.dumps(_view_dict(view), ensure_ascii=False, indent=2))
        return
    click.echo(f"{view.diary_number}  {view.case_type}  enhet {view.unit}  {STATUS_LABELS[view.status]}")
    click.echo(f"rapportdatum: {view.received_on.isoformat()}   version: {view.version}")
    click.echo("aktuella steg:" if view.tasks else "aktuella steg: inga")
    for task in view.tasks:
        click.echo(f"  {task.name:<22} {task.title} ({task.lane})")
    if view.sight is not Sight.FULL:
        return
    if view.deadlines:
        click.echo("frister:")
    for deadline in view.deadlines:
        click.echo(f"  {deadline.label:<26} senast {due_time(deadline.due_at)}  "
                   f"{DEADLINE_LABELS[deadline.status]}")
    for relation, other in view.links:
        click.echo(f"länk: {relation} {other}")
    click.echo("uppgifter:")
    for section, values in view.data.items():
        click.echo(f"  [{section}]")
        for key, value in values.items():
            click.echo(f"    {key}: {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}")


def _view_dict(view) -> dict:
    return {
        "id": view.id, "diary_number": view.diary_number, "case_type": view.case_type, "unit": view.unit,
        "status": view.status, "received_on": view.received_on.isoformat(), "version": view.version,
        "tasks": [{"name": t.name, "title": t.title, "lane": t.lane} for t in view.tasks],
        "deadlines": [{"kind": d.kind, "label": d.label, "due_at": d.due_at.isoformat(), "status": d.status}
                      for d in view.deadlines],
        "links": [{"relation": r, "case": c} for r, c in view.links],
        "data": view.data,
    }


@case_group.command("history", help="Ärendets historik: varje steg, frist och påminnelse.")
@click.argument("case_ref")
@as_person
@reports_errors
def case_history(case_ref, person):
    for event in services().runner.case_history(case_ref, person):
        click.echo(f"{event.seq:>3}  {local_time(event.at)}  {event.actor or 'systemet':<10} "
                   f"{event.action:<18} {event.summary}")


@click.group(cls=AppGroup, name="task", help="Uppgifter.")
def task_group():
    pass


@task_group.command("list", help="Dina aktuella uppgifter, de mest brådskande först.")
@click.option("--case", "case_ref", help="Bara i detta ärende.")
@as_person
@reports_errors
def task_list(case_ref, person):
    svc = services()
    now = svc.clock.now()
    if case_ref:
        rows = [(case_ref, task, None) for task in svc.runner.open_tasks(person, case_ref)]
    else:
        inbox = functools.partial(queries.list_tasks, svc.db, svc.clock, person)
        rows = ((row.diary_number, row.task, row.deadline) for row in _every_row(inbox))
    listed = False
    for diary_number, task, deadline in rows:
        due = f", frist {due_time(deadline.due_at)}{lateness(deadline.due_at, now)}" if deadline else ""
        click.echo(f"{diary_number:<16} {task.name:<22} {task.title} ({task.lane}), "
                   f"sedan {local_time(task.ready_since)}{due}")
        listed = True
    if not listed:
        click.echo("inga uppgifter")


def _every_row(listing):
    """Every row of a listing (engine.queries), asked for page by page; each page's cases are
    logged as read."""
    for number in itertools.count(1):
        page = listing(page=number, page_size=paging.MAX_PAGE_SIZE)
        yield from page.items
        if not page.has_next:
            return


@task_group.command("complete", help="Utför en uppgift i ett ärende med formulärets fält.")
@click.argument("case_ref")
@click.argument("task_name")
@as_person
@form_options
@click.option("--expect-version", type=int, help="Avbryt om ärendet har ändrats sedan denna version.")
@reports_errors
def task_complete(case_ref, task_name, person, pairs, data_file, expect_version):
    view = services().runner.complete_task(case_ref, task_name, read_form(pairs, data_file), person,
                                           expected_version=expect_version)
    nxt = ", ".join(t.name for t in view.tasks) or ("inga; ärendet är avslutat" if view.status == "closed" else "inga")
    click.echo(f"{view.diary_number}: {task_name} utförd. Nästa steg: {nxt}")


@click.group(cls=AppGroup, name="deadlines", help="Frister.")
def deadlines_group():
    pass


@deadlines_group.command("list", help="Öppna frister i ärenden du får läsa, närmast först.")
@click.option("--overdue", is_flag=True, help="Bara de som har passerat.")
@as_person
@reports_errors
def deadlines_list(overdue, person):
    svc = services()
    now = svc.clock.now()
    listing = functools.partial(queries.list_deadlines, svc.db, svc.clock, person, overdue=overdue)
    listed = False
    for deadline in _every_row(listing):
        click.echo(f"{deadline.diary_number:<16} {deadline.label:<26} senast {due_time(deadline.due_at)}  "
                   f"{DEADLINE_LABELS[deadline.status]}{lateness(deadline.due_at, now)}")
        listed = True
    if not listed:
        click.echo("inga frister")


@deadlines_group.command("sweep", help="Skicka de påminnelser som har förfallit, en gång.")
@reports_errors
def deadlines_sweep():
    result = services().sweeper.sweep()
    def reminders(count):
        return "1 påminnelse" if count == 1 else f"{count} påminnelser"
    late = len(result.actions_escalated)
    click.echo(f"{reminders(len(result.fired))} om frister och {reminders(len(result.actions_reminded))} om åtgärder "
               f"skickade, {late} {'försenad åtgärd' if late == 1 else 'försenade åtgärder'} till avdelningschef, "
               f"{len(result.retry) + len(result.actions_retry)} försöks igen senare")


@click.command("scheduler", help="Kör schemaläggaren: frister och utskick av e-post (tills den stoppas). "
               "Av flera schemaläggare över samma databas kör en i taget; de andra tar över om den stannar.")
@with_appcontext
@reports_errors
def scheduler():
    svc = services()
    click.echo(f"schemaläggaren startar: fristsvep var {svc.config['SWEEP_INTERVAL_SECONDS']} s, "
               f"e-post via {svc.config['SMTP_HOST']}:{svc.config['SMTP_PORT']}; "
               "den som leder kör jobben, övriga väntar")
    _scheduler_while_leading(svc)()


def _scheduler_while_leading(svc):
    """The scheduler's jobs, run whenever this process leads: of all the processes over one
    database only one does (engine/leader.py). Who leads, and each hand-over, is logged."""
    from engine import scheduler as scheduling
    from engine.leader import RETRY_SECONDS, Leadership

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every run of every job
    leadership = Leadership(svc.db, float(svc.config.get("LEADER_RETRY_SECONDS", RETRY_SECONDS)))
    return functools.partial(scheduling.run, svc.db, svc.sweeper, svc.outbox,
                             int(svc.config["SWEEP_INTERVAL_SECONDS"]), leadership)


@click.group(cls=AppGroup, name="outbox", help="Utgående e-post.")
def outbox_group():
    pass


@outbox_group.command("deliver", help="Skicka väntande e-post nu.")
@reports_errors
def outbox_deliver():
    result = services().outbox.deliver()
    click.echo(f"{result.sent} skickade, {result.failed} misslyckades (försöks igen senare)")


@click.command("messages", help="Dina meddelanden och påminnelser i lexflow.")
@with_appcontext
@as_person
@reports_errors
def messages(person):
    rows = services().runner.messages_for(person)
    if not rows:
        click.echo("inga meddelanden")
    for message in rows:
        click.echo(f"{local_time(message.created_at)}  {message.subject}")


@click.group(cls=AppGroup, name="user", help="Inloggning för personerna i organisationen.")
def user_group():
    pass


@user_group.command("password", help="Sätt en persons lösenord (frågas efter om det inte anges).")
@click.argument("person_id")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Lösenordet; utelämna för att skriva det dolt.")
@reports_errors
def user_password(person_id, password):
    svc = services()
    with svc.db.unit_of_work() as session:
        accounts.set_password(session, person_id, password, svc.clock.now())
    click.echo(f"lösenordet för {person_id} är satt")


@click.group(cls=AppGroup, name="token", help="API-nycklar för andra system.")
def token_group():
    pass


@token_group.command("create", help="Skapa en API-nyckel som agerar som en person; visas bara nu.")
@as_person
@click.option("--name", required=True, help="Vilket system som använder nyckeln.")
@reports_errors
def token_create(person, name):
    svc = services()
    with svc.db.unit_of_work() as session:
        token = accounts.issue_token(session, person, name, svc.clock.now())
    click.echo(token)


@click.group(cls=AppGroup, name="delegation", help="Delegationsbeslut, för anmälan till socialnämnden.")
def delegation_group():
    pass


@delegation_group.command("decisions", help="Beslut fattade med stöd av delegation under en period (Stockholmstid).")
@click.option("--from", "first_day", required=True, metavar="ÅÅÅÅ-MM-DD", help="Periodens första dag.")
@click.option("--to", "last_day", required=True, metavar="ÅÅÅÅ-MM-DD", help="Periodens sista dag (tas med).")
@as_person
@click.option("--csv", "as_csv", is_flag=True, help="Som CSV för Excel (UTF-8 med BOM, semikolon).")
@reports_errors
def delegation_list(first_day, last_day, person, as_csv):
    svc = services()
    period = delegation_decisions.read_period({"from": first_day, "to": last_day})
    rows = delegation.committee_rows(delegation_decisions.list_decisions(svc.db, svc.clock, person, period,
                                                                         "export" if as_csv else "list"))
    if as_csv:
        click.echo(delegation.as_csv(rows), nl=False)
        return
    if not rows:
        click.echo("inga delegationsbeslut under perioden")
    for row in rows:
        day, diary_number, case_type, decision, outcome, decider, title, delegation_on = row.cells
        click.echo(f"{day}  {diary_number:<14} {case_type:<10} {decision}{': ' + outcome if outcome else ''}  "
                   f"– {decider}{', ' + title if title else ''} (delegation: {delegation_on})")


@click.group(cls=AppGroup, name="diagrams", help="Diagramversioner: vad som ändrats, och flytt av öppna ärenden.")
def diagrams_group():
    pass


@diagrams_group.command("list", help="Driftsatta versioner per ärendetyp, med antal öppna ärenden på var.")
@reports_errors
def diagrams_list():
    svc = services()
    svc.runner  # deploys the diagram files as they are now
    for version in diagram_versions.versions(svc.db, svc.diagrams):
        click.echo(f"{version.case_type:<10} version {version.id:<4} driftsatt {local_time(version.deployed_at)}  "
                   f"öppna ärenden: {version.open_cases}{'  (nuvarande)' if version.current else ''}")


@diagrams_group.command("diff", help="Tillagda, borttagna och ändrade steg; som standard från den äldre version "
                                     "som flest öppna ärenden kör till nuvarande fil.")
@click.argument("case_type", required=False)
@click.option("--from", "from_id", type=int, metavar="VERSION", help="Jämför från denna version.")
@click.option("--to", "to_id", type=int, metavar="VERSION", help="Jämför till denna version (standard: nuvarande).")
@reports_errors
def diagrams_diff(case_type, from_id, to_id):
    svc = services()
    svc.runner  # deploys the diagram files as they are now
    if (from_id or to_id) and not case_type:
        raise click.UsageError("ange ärendetypen tillsammans med --from eller --to")
    for type_id in [case_type] if case_type else list(svc.diagrams.current):
        found = diagram_versions.compare(svc.db, svc.diagrams, type_id, from_id, to_id)
        if found is None:
            click.echo(f"{type_id}: inga öppna ärenden kör en äldre version")
            continue
        click.echo(f"{type_id}: version {found.from_version} -> version {found.to_version}")
        for label, steps in (("tillagt", found.added), ("borttaget", found.removed), ("ändrat", found.changed)):
            for step in steps:
                changes = f" ({', '.join(step.changes)})" if step.changes else ""
                click.echo(f"  {label:<10} {step.id:<26} {step.name}{changes}")
        if not (found.added or found.removed or found.changed):
            click.echo("  inga ändringar")


@diagrams_group.command("migrate", help="Flytta öppna ärenden till nuvarande version när vägen de har gått "
                                        "finns oförändrad i den; de övriga stannar, med skälet.")
@click.argument("case_type")
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle flyttas, utan att flytta något.")
@reports_errors
def diagrams_migrate(case_type, dry_run):
    migrations = diagram_versions.migrate(services().runner, case_type, dry_run=dry_run)
    moved = [m for m in migrations if m.refused is None]
    refused = [m for m in migrations if m.refused is not None]
    verb = "kan flyttas" if dry_run else "flyttat"
    for migration in moved:
        click.echo(f"{migration.diary_number:<16} {verb} från version {migration.from_version} "
                   f"till {migration.to_version}")
    for migration in refused:
        click.echo(f"{migration.diary_number:<16} stannar på version {migration.from_version}: {migration.refused}")
    click.echo(f"{len(moved)} {'kan flyttas' if dry_run else 'flyttade'}, {len(refused)} stannar")


@click.command("serve", help="Kör webbservern (utvecklingsserver) med schemaläggaren i samma process.")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Utan schemaläggare (kör då `lexflow scheduler` separat).")
@reports_errors
def serve(host, port, no_scheduler):
    from flask import current_app
    from werkzeug.serving import run_simple

    if not no_scheduler:
        threading.Thread(target=_scheduler_while_leading(services()), name="scheduler", daemon=True).start()
    click.echo(f"lexflow på http://{host}:{port}/" + ("" if no_scheduler else " med schemaläggaren"))
    # No reloader: it would run a second process with a second scheduler.
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@click.group(cls=AppGroup, name="report",
             help="Statistik till nämnden: sammanställning, ledtider, kvalitetsberättelse.")
def report_group():
    pass


def report_options(command):
    """The period, as on the Statistik pages, and what to print."""
    from engine.reports.periods import KINDS, MAX_YEARS, RANGE

    options = (
        click.option("--period", type=click.Choice([*KINDS, RANGE]), default="helar", show_default=True,
                     help="T1, T2, T3, delar (jan–aug), helar eller range (med --from och --to)."),
        click.option("--year", type=int, help="År (standard: i år)."),
        click.option("--years", type=click.IntRange(1, MAX_YEARS), default=1, show_default=True,
                     help="Antal år bredvid varandra."),
        click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Första dag (ÅÅÅÅ-MM-DD)."),
        click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Sista dag (ÅÅÅÅ-MM-DD)."),
        click.option("--csv", "as_csv", is_flag=True, help="Skriv ut som CSV (semikolon, för Excel)."),
        click.option("--table", "table_key", help="Bara en tabell (dess nyckel, t.ex. feedback_by_unit_and_type)."),
        click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, writable=True),
                     help="Skriv rapporten som PDF till filen."),
        as_person,
    )
    for option in reversed(options):
        command = option(command)
    return command


def _print_report(definition, person, period, year, years, start, end, as_csv, table_key, pdf_file):
    from engine.reports import compile_report
    from engine.reports.periods import RANGE, ReportPeriod
    from web import report_formats
    from web.documents import render_pdf

    svc = services()
    if year is None and period != RANGE:
        year = svc.clock.today().year
    chosen = ReportPeriod.of(period, year, start and start.date(), end and end.date(), years)
    report = compile_report(svc.db, svc.clock, person, definition, chosen)
    tables = report.tables
    if table_key is not None:
        tables = tuple(table for table in tables if table.key == table_key)
        if not tables:
            raise click.BadParameter(f"finns inte; välj en av: {', '.join(t.key for t in report.tables)}",
                                     param_hint="--table")
    if pdf_file:
        scope = "Alla enheter." if report.all_units else f"Enheterna: {', '.join(report.units)}."
        with svc.db.snapshot() as session:
            name = organisation.Directory(session).setting("name", "")
        Path(pdf_file).write_bytes(render_pdf(report_formats.report_html(report, name, svc.clock.today().isoformat(),
                                                                         scope)))
        click.echo(f"{report.title}, {report.period.label}: {pdf_file}")
    elif as_csv:
        click.echo(report_formats.table_csv(tables[0]) if table_key else report_formats.report_csv(report), nl=False)
    else:
        click.echo(f"{report.title}: {', '.join(span.label for span in report.period.spans())}")
        click.echo("Alla enheter." if report.all_units else f"Enheterna: {', '.join(report.units)}.")
        for table in tables:
            click.echo()
            click.echo(report_formats.table_text(table))


def _report_command(name: str, key: str, help_text: str):
    @report_group.command(name, help=help_text)
    @report_options
    @reports_errors
    def command(**options):
        from workflows.statistics import REPORTS

        _print_report(REPORTS[key], **options)
    return command


_report_command("compilation", "compilation", "Sammanställning till nämnden: synpunkter, lex Sarah och avvikelser.")
_report_command("lead-times", "lead_times", "Ledtider och frister: dagar till varje steg, andel inom fristen.")
_report_command("quality", "quality_report", "Kvalitetsberättelse: årets kapitel; --years 2 visar året före bredvid.")


if __name__ == "__main__":
    main()
