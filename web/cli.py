"""The `lexflow` command: set up the database and walk cases through their steps.

Built on Flask's CLI, so `flask --app web <command>` does the same.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
import yaml
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from sqlalchemy import select

from engine import accounts, organisation
from engine.models import Person
from engine.access import Sight
from engine.errors import LexflowError
from engine.tracking import lateness, local_time
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
    app.cli.add_command(serve)


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
    with services().db.unit_of_work() as session:
        organisation.load(session, data)
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
    diary_number = services().runner.file_case(case_type, read_form(pairs, data_file), person, tuple(parsed))
    click.echo(diary_number)


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
        click.echo(f"  {deadline.label:<26} senast {local_time(deadline.due_at)}  "
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


@task_group.command("list", help="Dina aktuella uppgifter, äldst först.")
@click.option("--case", "case_ref", help="Bara i detta ärende.")
@as_person
@reports_errors
def task_list(case_ref, person):
    rows = services().runner.open_tasks(person, case_ref)
    if not rows:
        click.echo("inga uppgifter")
    for diary_number, task in rows:
        click.echo(f"{diary_number:<16} {task.name:<22} {task.title} ({task.lane}), "
                   f"sedan {local_time(task.ready_since)}")


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
    rows = services().runner.open_deadlines(person, overdue=overdue)
    if not rows:
        click.echo("inga frister")
    now = services().clock.now()
    for diary_number, deadline in rows:
        click.echo(f"{diary_number:<16} {deadline.label:<26} senast {local_time(deadline.due_at)}  "
                   f"{DEADLINE_LABELS[deadline.status]}{lateness(deadline.due_at, now)}")


@deadlines_group.command("sweep", help="Skicka de påminnelser som har förfallit, en gång.")
@reports_errors
def deadlines_sweep():
    result = services().sweeper.sweep()
    sent = "1 påminnelse skickad" if len(result.fired) == 1 else f"{len(result.fired)} påminnelser skickade"
    click.echo(f"{sent}, {len(result.retry)} försöks igen senare")


@click.command("scheduler", help="Kör schemaläggaren: frister och utskick av e-post (tills den stoppas).")
@with_appcontext
@reports_errors
def scheduler():
    from engine import scheduler as scheduling

    svc = services()
    click.echo(f"schemaläggaren startar: fristsvep var {svc.config['SWEEP_INTERVAL_SECONDS']} s, "
               f"e-post via {svc.config['SMTP_HOST']}:{svc.config['SMTP_PORT']}")
    scheduling.build(svc.db, svc.sweeper, svc.outbox, int(svc.config["SWEEP_INTERVAL_SECONDS"])).start()


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


@click.command("serve", help="Kör webbservern (utvecklingsserver) med schemaläggaren i samma process.")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Utan schemaläggare (kör då `lexflow scheduler` separat).")
@reports_errors
def serve(host, port, no_scheduler):
    from flask import current_app
    from werkzeug.serving import run_simple

    from engine import scheduler as scheduling

    svc = services()
    if not no_scheduler:
        scheduling.build(svc.db, svc.sweeper, svc.outbox, int(svc.config["SWEEP_INTERVAL_SECONDS"]),
                         background=True).start()
    click.echo(f"lexflow på http://{host}:{port}/" + ("" if no_scheduler else " med schemaläggaren"))
    # No reloader: it would run a second process with a second scheduler.
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
