"""The `lexflow` commands for the records: exporting a case (`case export`), checking that the
history and the access log are whole (`audit`), and disposal after retention (`retention`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from engine import audit, chain, export, retention
from engine.organisation import Directory
from web import documents as rendering
from web.cli import as_person, case_group, reports_errors
from web.pages import documents
from web.services import services


def register(app: Flask) -> None:
    """Add the groups below; `case export` joins the `case` group as this module is imported."""
    app.cli.add_command(audit_group)
    app.cli.add_command(retention_group)


@case_group.command("export", help="Lämna ut ett ärende helt (för arkivet) som en ZIP-fil: uppgifter, historik med "
                              "kontrollsummor, åtkomstlogg, länkar, åtgärder och dokument. Utlämnandet skrivs "
                              "i ärendets historik.")
@click.argument("diary_number")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, writable=True),
              help="ZIP-filen som skrivs.")
@click.option("--recipient", required=True, help="Vem ärendet lämnas ut till, t.ex. Kommunarkivet.")
@as_person
@reports_errors
def case_export(diary_number, out_file, recipient, person):
    svc = services()
    archive = export.export_case(svc.db, svc.clock, diary_number, person, recipient, _case_documents)
    Path(out_file).write_bytes(archive)
    click.echo(f"{diary_number} utlämnat till {recipient}: {out_file} ({len(archive) // 1024} kB)")


def _case_documents(case: export.ExportedCase) -> list[tuple[str, bytes]]:
    """The case's IVO documents, as its page offers them, in HTML and PDF."""
    svc = services()
    with svc.db.snapshot() as session:
        directory = Directory(session)
        provider, organisation = rendering.provider_for(directory, case.unit), directory.setting("name", "")
    files = []
    for kind, _title in documents.available(case):
        build = documents.DOCUMENTS[kind][1]
        html = rendering.render_html(build(case.diary_number, case.data, provider), organisation,
                                     svc.clock.today().isoformat())
        files += [(f"{kind}.html", html.encode("utf-8")), (f"{kind}.pdf", rendering.render_pdf(html))]
    return files


@click.group(cls=AppGroup, name="audit", help="Kontroll av att historiken och åtkomstloggen är orörda.")
def audit_group():
    pass


@audit_group.command("verify", help="Kontrollera historikens och åtkomstloggens kedjor av kontrollsummor; "
                                    "slutkod 1 om någon är bruten.")
@click.option("--against", "heads_file", type=click.Path(exists=True, dir_okay=False),
              help="En fil från `lexflow audit head --out`: kontrollera också mot länkarna som skrevs ner då.")
@reports_errors
def audit_verify(heads_file):
    db = services().db
    result = audit.verify(db)
    click.echo(f"kontrollerat: historiken i {result.cases} ärenden ({result.events} händelser) "
               f"och åtkomstloggen ({result.reads} rader)")
    breaks = list(result.breaks)
    if heads_file:
        written = Path(heads_file).read_text(encoding="utf-8")
        click.echo(f"och mot länkarna i {heads_file} (sha256 {chain.digest(written.encode('utf-8'))})")
        breaks += audit.check_written_heads(db, audit.Heads.from_json(written))
    for found in breaks:
        click.echo(f"BRUTEN {found}")
    if breaks:
        click.echo(f"fel: {len(breaks)} brott i kedjorna", err=True)
        sys.exit(1)
    click.echo("alla kedjor är hela")


@audit_group.command("head", help="Skriv ut kedjornas sista länkar, att skriva ner utanför lexflow.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, writable=True),
              help="Skriv också varje ärendes sista länk till filen (för `audit verify --against`).")
@reports_errors
def audit_head(out_file):
    found = audit.heads(services().db)
    seq, hash_ = found.access_log
    click.echo(f"åtkomstloggen: rad {seq} sha256 {hash_}")
    click.echo(f"historiken: {len(found.cases)} ärenden, deras sista länkar tillsammans: sha256 {found.digest()}")
    if out_file:
        Path(out_file).write_text(found.as_json(), encoding="utf-8")
        click.echo(f"skrivet till {out_file}: förvara filen utanför lexflow och skriv ner summorna ovan")


@click.group(cls=AppGroup, name="retention", help="Gallring av personuppgifter i avslutade ärenden.")
def retention_group():
    pass


@retention_group.command("dispose",
                         help="Gallra personuppgifterna i de avslutade ärenden vars bevarandetid har gått ut.")
@click.option("--dry-run", is_flag=True, help="Visa bara vilka ärenden som skulle gallras.")
@reports_errors
def retention_dispose(dry_run):
    svc = services()
    run = retention.dispose(svc.db, svc.clock, dry_run=dry_run)
    verb = "skulle gallras" if dry_run else "gallrat"
    for case in run.disposed:
        click.echo(f"{case.diary_number:<16} {verb}: avslutat {case.closed_on.isoformat()}, "
                   f"bevarat t.o.m. {case.kept_until.isoformat()} ({case.rule})")
    for diary_number, reason in run.refused:
        click.echo(f"{diary_number:<16} gallras inte: {reason}", err=True)
    click.echo(f"{len(run.disposed)} ärenden {verb}" + (f", {len(run.refused)} vägrade" if run.refused else ""))
    if run.refused:
        sys.exit(1)
