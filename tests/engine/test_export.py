"""Exporting a case whole for the archive: one ZIP with a manifest and checksums, the data, the
history with its hashes, the access log, links, actions and the IVO documents; the export is
recorded as disclosed by whom to whom."""
import io
import json
import zipfile
from datetime import datetime

import pytest
from pypdf import PdfReader

from demo.lex_sarah import SERIOUS_PATH
from engine import chain

EXPECTED = {"manifest.json", "SHA256SUMS", "case.json", "history.json", "access_log.json", "links.json",
            "deadlines.json", "actions.json", "diagram.bpmn", "documents/ivo-anmalan.html",
            "documents/ivo-anmalan.pdf", "documents/utredning.html", "documents/utredning.pdf"}


@pytest.fixture
def notified_case(cases, runner):
    related = cases.file(unit="solgarden")
    case = runner.file_case("lex_sarah", cases.report(), "anna", (("related", related),)).diary_number
    cases.walk(case, *SERIOUS_PATH[:7])  # up to and with the notification to IVO
    return case


def export(cli, tmp_path, case, person="fredrik", recipient="Kommunarkivet"):
    out = tmp_path / "arkiv.zip"
    result = cli("case", "export", case, "--out", str(out), "--recipient", recipient, "--as", person)
    return result, out


def test_the_export_holds_the_whole_case_with_a_manifest_and_checksums(cli, notified_case, tmp_path):
    result, out = export(cli, tmp_path, notified_case)
    assert result.exit_code == 0, result.output
    assert f"{notified_case} utlämnat till Kommunarkivet" in result.output
    archive = zipfile.ZipFile(out)
    assert set(archive.namelist()) == EXPECTED
    files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    assert (manifest["case"], manifest["recipient"], manifest["exported_by"]["id"]) == (
        notified_case, "Kommunarkivet", "fredrik")
    assert {entry["name"] for entry in manifest["files"]} == EXPECTED - {"manifest.json", "SHA256SUMS"}
    for entry in manifest["files"]:
        assert chain.digest(files[entry["name"]]) == entry["sha256"], entry["name"]
    sums = dict(line.split("  ")[::-1] for line in files["SHA256SUMS"].decode().splitlines())
    assert sums.keys() == EXPECTED - {"SHA256SUMS"}
    assert all(chain.digest(files[name]) == digest for name, digest in sums.items())


def test_the_exported_history_verifies_on_its_own(cli, notified_case, tmp_path):
    _, out = export(cli, tmp_path, notified_case)
    archive = zipfile.ZipFile(out)
    history = json.loads(archive.read("history.json"))
    manifest = json.loads(archive.read("manifest.json"))
    case_id = json.loads(archive.read("case.json"))["id"]
    previous = chain.GENESIS
    for expected_seq, event in enumerate(history, start=1):
        assert event["seq"] == expected_seq
        payload = chain.payload_digest(event["summary"], event["before"], event["after"], event["actor"])
        assert payload == event["payload_digest"]
        previous = chain.event_hash(previous, case_id, event["seq"], datetime.fromisoformat(event["at"]),
                                    event["action"], event["task"], payload)
        assert previous == event["hash"]
    assert manifest["history_head"] == {"seq": len(history), "hash": previous}
    assert history[-1]["action"] == "case.exported"
    assert history[-1]["actor"] == "fredrik" and history[-1]["after"] == {"recipient": "Kommunarkivet"}


def test_the_export_has_the_data_links_actions_and_documents(cli, notified_case, tmp_path, cases):
    _, out = export(cli, tmp_path, notified_case)
    archive = zipfile.ZipFile(out)
    case = json.loads(archive.read("case.json"))
    assert case["data"]["report"]["affected_individual"] == "Brukare A"
    assert case["data"]["notify_ivo"]["ivo_reference"] == "3.5.1-12345/2026"
    assert json.loads(archive.read("links.json"))[0]["relation"] == "related"
    actions = json.loads(archive.read("actions.json"))
    assert [a["description"] for a in actions] == ["Ny rutin för schemaändringar"]
    assert {d["kind"] for d in json.loads(archive.read("deadlines.json"))} >= {"registration", "investigation"}
    assert json.loads(archive.read("access_log.json"))[-1]["action"] == "export"
    html = archive.read("documents/ivo-anmalan.html").decode()
    assert notified_case in html and "Brukare A" in html
    pdf = PdfReader(io.BytesIO(archive.read("documents/utredning.pdf")))
    assert notified_case in " ".join(page.extract_text() for page in pdf.pages)


def test_the_export_is_recorded_as_a_disclosure_and_a_read(cli, notified_case, tmp_path, runner):
    export(cli, tmp_path, notified_case, person="rita", recipient="Advokat Berg, begäran 2026-11-20")
    event = runner.case_history(notified_case, "fredrik")[-1]
    assert (event.action, event.actor, event.summary) == (
        "case.exported", "rita", "Ärendet utlämnat till Advokat Berg, begäran 2026-11-20")
    assert cli("audit", "verify").exit_code == 0


def test_someone_who_may_not_read_the_whole_case_cannot_export_it(cli, notified_case, tmp_path, runner):
    result, out = export(cli, tmp_path, notified_case, person="anna")  # the reporter: status only
    assert result.exit_code == 1 and "anna får inte lämna ut ärendet" in result.output
    assert not out.exists()
    assert all(e.action != "case.exported" for e in runner.case_history(notified_case, "fredrik"))


def test_the_recipient_must_be_named(cli, notified_case, tmp_path):
    result, _ = export(cli, tmp_path, notified_case, recipient=" ")
    assert result.exit_code == 1 and "recipient: Ange vem ärendet lämnas ut till." in result.output
