"""Every task form of the deviation and complaint diagrams, and lex Sarah's re-filing, filled in
in Chromium by the person whose step it is: a deviation triaged as critical and escalated to a
linked lex Sarah case; a health-care deviation reviewed by MAS, acted on, followed up and
closed; a complaint registered, acknowledged, answered, escalated, closed and appealed to the
klagomålsdelegation; a lex Sarah report that is no missförhållande handled on as a complaint;
and the period of the decisions taken on delegation. One wrong input per form family, shown
next to its field with the rest kept."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from demo.avvikelse import DeviationDriver
from demo.klagomal import ComplaintDriver
from engine import organisation
from tests.browser.steps import finish, open_task
from tests.engine.test_delegation_decisions import november_decisions
from web import ROOT

TODAY = "2026-11-23"
DEVIATION = "Brukaren blev utskälld av en vikarie inför andra brukare i dagrummet."
COMPLAINT = "Min mamma har fått vänta över en timme på hjälp vid toalettbesök flera kvällar."
REPORT = "Brukaren fick vänta en timme på sin dusch och blev ledsen."


@pytest.fixture
def deviations(runner, clock):
    return DeviationDriver(runner, clock)


@pytest.fixture
def complaints(runner, clock):
    return ComplaintDriver(runner, clock)


@pytest.fixture
def signed_in(new_page, login):
    def sign_in(person: str) -> Page:
        page = new_page()
        login(page, person)
        return page
    return sign_in


def region(page: Page, title: str) -> Locator:
    """A completed form as the case page shows it, by its title."""
    return page.get_by_role("region", name=title, exact=True)


def linked(page: Page, relation: str) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name="Länkade ärenden")).locator(
        "li", has_text=relation)


def status(page: Page) -> Locator:
    return page.locator(".facts > div", has=page.locator("dt", has_text="Status")).locator("dd")


def expect_done(page: Page, title: str) -> None:
    expect(page.locator(".alert-success")).to_have_text(f"”{title}” är klart.")


# -- avvikelse ----------------------------------------------------------------------------

def test_a_deviation_is_triaged_as_critical_and_escalated_to_a_linked_lex_sarah_case(signed_in, deviations,
                                                                                     runner, screenshot):
    deviation = deviations.file(health_care=False, what_happened=DEVIATION, affected_individual="Brukare E")
    erik, fredrik = signed_in("erik"), signed_in("fredrik")

    card = open_task(erik, deviation, "Bedöm avvikelsen")
    expect(card.locator("#triage-f-triaged_on")).to_have_value(TODAY)
    card.locator("#triage-f-category").select_option(label="Bemötande")
    card.locator("#triage-f-severity").get_by_label("Hög").check()
    card.locator("#triage-f-probability").get_by_label("Stor", exact=True).check()
    card.locator("#triage-f-route").get_by_label("Kan vara ett missförhållande (lex Sarah)").check()
    card.locator("#triage-f-assessment").fill("Kränkande bemötande; kan vara ett missförhållande.")
    screenshot(erik, "case-forms-01-deviation-triage")
    finish(card)

    expect_done(erik, "Bedöm avvikelsen")
    triage = region(erik, "Bedöm avvikelsen")
    expect(triage).to_contain_text("Kan vara ett missförhållande (lex Sarah)")
    expect(triage.locator("dd", has_text="kritisk")).to_be_visible()  # hög (4) × stor (3)
    expect(erik.locator(".facts")).to_contain_text("Besluta om lex Sarah-utredning")

    card = open_task(fredrik, deviation, "Besluta om lex Sarah-utredning")
    expect(fredrik.get_by_text(DEVIATION)).to_be_visible()
    card.locator("#escalate-f-investigate_as_lex_sarah").get_by_label("Ja").check()
    card.locator("#escalate-f-motivation").fill("Kränkande behandling kan vara ett missförhållande.")
    card.locator("#escalate-f-affected_individual").fill("Brukare E")
    card.locator("#escalate-f-reporter_name").fill("Fredrik Öberg")
    screenshot(fredrik, "case-forms-02-deviation-escalate")
    finish(card)

    expect_done(fredrik, "Besluta om lex Sarah-utredning")
    expect(status(fredrik)).to_have_text("Avslutat")  # the deviation goes on as lex Sarah
    link = linked(fredrik, "Eskalerat till")
    expect(link).to_have_text("Eskalerat till: SOCN/2026:2")
    screenshot(fredrik, "case-forms-03-deviation-escalated")
    link.get_by_role("link").click()

    expect(fredrik.locator("h1")).to_have_text("SOCN/2026:2")
    expect(fredrik.locator(".eyebrow").first).to_have_text("Lex Sarah")
    expect(linked(fredrik, "Eskalerat från")).to_have_text(f"Eskalerat från: {deviation}")
    report = region(fredrik, "Rapport om missförhållande")
    expect(report).to_contain_text(DEVIATION)
    expect(report).to_contain_text("Brukare E")
    expect(fredrik.locator(".facts")).to_contain_text("Vidta omedelbara åtgärder")
    screenshot(fredrik, "case-forms-04-linked-lex-sarah")
    assert runner.show_case("SOCN/2026:2", "erik").links == [("escalated_to (från)", deviation)]


def test_a_health_care_deviation_is_reviewed_by_mas_acted_on_followed_up_and_closed(signed_in, deviations,
                                                                                      screenshot):
    deviation = deviations.file()
    deviations.complete(deviation, "triage", route="mas", severity=3, probability=2)
    maria, erik = signed_in("maria"), signed_in("erik")

    card = open_task(maria, deviation, "Bedöm enligt lex Maria")
    card.locator("#mas_review-f-assessment").fill("Ingen vårdskada; rutinen för dosetter ska ses över.")
    card.locator("#mas_review-f-lex_maria").get_by_label("Nej").check()
    screenshot(maria, "case-forms-05-mas-review")
    finish(card)
    # MAS reads the case only while the step is hers: she is sent back to her tasks.
    expect(maria).to_have_url(re.compile(r"/uppgifter(#.*)?$"))
    expect(maria.get_by_role("status")).to_contain_text("inte längre tillgång")
    expect(maria.locator("tbody tr", has_text=deviation)).to_have_count(0)

    # The wrong input of this family: an action without its date, in the second row.
    card = open_task(erik, deviation, "Åtgärda")
    expect(region(erik, "Bedöm enligt lex Maria")).to_contain_text("Ingen vårdskada")
    card.locator("#act-f-actions-0-description").fill("Dubbelkontroll av dosetter vid varje besök")
    card.locator("#act-f-actions-0-owner").select_option(label="Erik Johansson")
    card.locator("#act-f-actions-0-due_on").fill("2026-12-07")
    card.get_by_role("button", name="+ Lägg till rad").click()
    card = erik.locator("#uppgift-act")
    card.locator("#act-f-actions-1-description").fill("Utbildning i läkemedelshantering")
    card.locator("#act-f-actions-1-owner").select_option(label="Maria Holm")
    finish(card)

    card = erik.locator("#uppgift-act")
    expect(card.locator(".error-summary")).to_contain_text("Klart senast")
    expect(card.locator("#act-f-actions-1-due_on-error")).to_have_text("Fältet måste fyllas i.")
    expect(card.locator("#act-f-actions-1-due_on")).to_have_attribute("aria-invalid", "true")
    expect(card.locator("#act-f-actions-0-description")).to_have_value("Dubbelkontroll av dosetter vid varje besök")
    expect(card.locator("#act-f-actions-0-due_on")).to_have_value("2026-12-07")
    expect(card.locator("#act-f-actions-1-description")).to_have_value("Utbildning i läkemedelshantering")
    expect(card.locator("#act-f-actions-1-owner")).to_have_value("maria")
    screenshot(erik, "case-forms-06-act-error")
    card.locator("#act-f-actions-1-due_on").fill("2026-12-31")
    finish(card)

    expect_done(erik, "Åtgärda")
    plan = region(erik, "Åtgärda").locator("tbody tr")
    expect(plan).to_have_count(2)
    expect(plan.nth(1)).to_contain_text("Utbildning i läkemedelshantering")

    card = erik.locator("#uppgift-follow_up")
    expect(card.locator("#follow_up-f-followed_up_on")).to_have_value(TODAY)
    card.locator("#follow_up-f-outcome").fill("Dubbelkontrollen görs; utbildningen är bokad.")
    finish(card)
    expect_done(erik, "Följ upp åtgärderna")

    card = erik.locator("#uppgift-close")
    card.locator("#close-f-position").fill("Åtgärderna är genomförda och följs i egenkontrollen.")
    screenshot(erik, "case-forms-07-close")
    finish(card)
    expect_done(erik, "Avsluta")
    expect(status(erik)).to_have_text("Avslutat")
    expect(erik.locator(".task-card")).to_have_count(0)
    screenshot(erik, "case-forms-08-deviation-closed")


# -- synpunkter och klagomål ----------------------------------------------------------------

def _acknowledgement_asked_for(services) -> None:
    data = organisation.read_file(ROOT / "demo" / "organisation.yaml")
    data["deadlines"]["klagomal"] = {"acknowledgement": {"working_days": 5}}
    with services.db.unit_of_work() as session:
        organisation.load(session, data, services.clock.now())


def test_a_complaint_is_registered_acknowledged_answered_and_escalated_to_lex_sarah(signed_in, complaints,
                                                                                   services, screenshot):
    _acknowledgement_asked_for(services)
    complaint = complaints.file(description=COMPLAINT, received_on="2026-11-20", unit="solgarden")
    rita, erik, fredrik = signed_in("rita"), signed_in("erik"), signed_in("fredrik")

    # The wrong input of this family: registered before the complaint arrived.
    card = open_task(rita, complaint, "Registrera och fördela")
    card.locator("#register-f-registered_on").fill("2026-11-19")
    card.locator("#register-f-unit").select_option(label="Solgårdens särskilda boende")
    finish(card)
    card = rita.locator("#uppgift-register")
    expect(card.locator("#register-f-registered_on-error")).to_have_text(
        "Datumet kan inte vara före rapportdatumet 2026-11-20.")
    expect(card.locator(".error-summary").get_by_role("link")).to_have_attribute("href",
                                                                                "#register-f-registered_on")
    expect(card.locator("#register-f-unit")).to_have_value("solgarden")
    screenshot(rita, "case-forms-09-register-error")
    card.locator("#register-f-registered_on").fill(TODAY)
    finish(card)
    expect_done(rita, "Registrera och fördela")

    card = rita.locator("#uppgift-acknowledge")
    card.locator("#acknowledge-f-channel").get_by_label("E-post").check()
    finish(card)
    expect_done(rita, "Skicka mottagningsbekräftelse")
    expect(rita.locator(".deadlines li", has_text="Bekräftelsefrist")).to_contain_text("Hållen")

    card = open_task(erik, complaint, "Besvara synpunkten")
    card.locator("#answer-f-answer").fill("Vi beklagar. Vi ser över bemanningen på kvällarna.")
    card.locator("#answer-f-channel").select_option(label="E-post")
    card.locator("#answer-f-measures").fill("Extra personal kvällstid.")
    card.locator("#answer-f-reveals_misconduct").get_by_label("Ja").check()
    screenshot(erik, "case-forms-10-answer")
    finish(card)
    expect_done(erik, "Besvara synpunkten")

    card = open_task(fredrik, complaint, "Besluta om lex Sarah-utredning")
    card.locator("#escalate-f-investigate_as_lex_sarah").get_by_label("Ja").check()
    card.locator("#escalate-f-motivation").fill("Upprepad väntan på hjälp kan vara ett missförhållande.")
    card.locator("#escalate-f-affected_individual").fill("Brukare F")
    card.locator("#escalate-f-reporter_name").fill("Fredrik Öberg")
    finish(card)
    expect_done(fredrik, "Besluta om lex Sarah-utredning")
    link = linked(fredrik, "Eskalerat till")
    expect(link).to_have_text("Eskalerat till: SOCN/2026:2")
    expect(fredrik.locator(".facts")).to_contain_text("Avsluta")  # the complaint itself goes on
    screenshot(fredrik, "case-forms-11-complaint-escalated")

    link.get_by_role("link").click()
    expect(fredrik.locator("h1")).to_have_text("SOCN/2026:2")
    expect(linked(fredrik, "Eskalerat från")).to_have_text(f"Eskalerat från: {complaint}")
    report = region(fredrik, "Rapport om missförhållande")
    expect(report).to_contain_text(COMPLAINT)
    expect(report).to_contain_text("Extra personal kvällstid.")  # the answer's measures, as actions taken
    expect(report).to_contain_text("Solgårdens särskilda boende")


def test_a_complainant_not_satisfied_is_heard_by_the_klagomalsdelegation(signed_in, complaints, screenshot):
    complaint = complaints.file(description=COMPLAINT)
    complaints.walk(complaint, "register", "answer")
    erik, nils = signed_in("erik"), signed_in("nils")

    card = open_task(erik, complaint, "Avsluta")
    card.locator("#close-f-summary").fill("Besvarad; anhörig inte nöjd med svaret.")
    card.locator("#close-f-appealed").get_by_label("Ja").check()
    finish(card)
    expect_done(erik, "Avsluta")
    expect(erik.locator(".facts")).to_contain_text("Pröva klagomålet")

    card = open_task(nils, complaint, "Pröva klagomålet")
    expect(nils.get_by_text(COMPLAINT)).to_be_visible()
    expect(card.locator("#appeal-f-heard_on")).to_have_value(TODAY)
    card.locator("#appeal-f-conclusion").fill("Verksamhetens svar är rimligt men kvällsbemanningen ska följas upp.")
    screenshot(nils, "case-forms-12-appeal")
    finish(card)
    # The klagomålsdelegation reads the case only while the step is theirs.
    expect(nils).to_have_url(re.compile(r"/uppgifter(#.*)?$"))
    expect(nils.locator("tbody tr", has_text=complaint)).to_have_count(0)

    erik.reload()
    expect(status(erik)).to_have_text("Avslutat")
    expect(region(erik, "Pröva klagomålet")).to_contain_text("kvällsbemanningen ska följas upp")
    screenshot(erik, "case-forms-13-appealed")


# -- lex Sarah: handled on as another case -------------------------------------------------

def test_a_report_that_is_no_misconduct_is_handled_on_as_a_complaint(signed_in, cases, runner, screenshot):
    lex_sarah = cases.file(unit="solgarden", what_happened=REPORT)
    cases.walk(lex_sarah, "protect", "register", "assign_investigator", "investigate")
    cases.complete(lex_sarah, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    fredrik, rita = signed_in("fredrik"), signed_in("rita")

    # The wrong input of this family: no answer to whether it is handled on.
    card = open_task(fredrik, lex_sarah, "Avsluta – inget missförhållande")
    card.locator("#close_no_misconduct-f-reason").fill("Väntetiden berodde på ett larm hos en annan brukare.")
    finish(card)
    card = fredrik.locator("#uppgift-close_no_misconduct")
    expect(card.locator("#close_no_misconduct-f-refile_as-error")).to_have_text("Fältet måste fyllas i.")
    expect(card.locator(".error-summary")).to_contain_text("Hantera vidare som ett nytt ärende?")
    expect(card.locator("#close_no_misconduct-f-reason")).to_have_value(
        "Väntetiden berodde på ett larm hos en annan brukare.")
    expect(card.locator("#close_no_misconduct-f-decided_on")).to_have_value(TODAY)
    screenshot(fredrik, "case-forms-14-refile-error")
    card.locator("#close_no_misconduct-f-refile_as").get_by_label("Ja, som synpunkt eller klagomål").check()
    finish(card)

    expect_done(fredrik, "Avsluta – inget missförhållande")
    expect(status(fredrik)).to_have_text("Avslutat")
    expect(region(fredrik, "Avsluta – inget missförhållande")).to_contain_text("Ja, som synpunkt eller klagomål")
    link = linked(fredrik, "Hanteras vidare i")
    expect(link).to_have_text("Hanteras vidare i: SOCN/2026:2")
    # The new steps are drawn in the case's diagram.
    for step in ("refile_gateway", "open_complaint", "refiled_as_complaint", "open_deviation"):
        expect(fredrik.locator(f"svg g[data-element='{step}']").first).to_be_visible()
    screenshot(fredrik, "case-forms-15-refiled")

    link.get_by_role("link").click()
    expect(fredrik.locator("h1")).to_have_text("SOCN/2026:2")
    expect(fredrik.locator(".eyebrow").first).to_have_text("Synpunkt")
    expect(linked(fredrik, "Hanteras vidare från")).to_have_text(f"Hanteras vidare från: {lex_sarah}")
    report = region(fredrik, "Lämna en synpunkt eller ett klagomål")
    expect(report).to_contain_text(REPORT)
    expect(report).to_contain_text("Solgårdens särskilda boende")
    expect(report).to_contain_text("Personal för någons räkning")
    screenshot(fredrik, "case-forms-16-complaint-from-lex-sarah")

    rita.goto("/uppgifter")
    expect(rita.locator("tbody tr", has_text="SOCN/2026:2")).to_contain_text("Registrera och fördela")
    assert runner.show_case("SOCN/2026:2", "rita").links == [("refiled_as (från)", lex_sarah)]


# -- the decisions taken on delegation, for the committee -----------------------------------

def test_the_decisions_on_delegation_are_listed_for_a_period_downloaded_and_printed(signed_in, services, runner,
                                                                                     clock, screenshot):
    decided = november_decisions(services, runner, clock)
    rita = signed_in("rita")
    rita.get_by_role("link", name="Delegationsbeslut").click()
    expect(rita.get_by_role("heading", name="Delegationsbeslut")).to_be_visible()

    # The wrong input of the period: its end before its start.
    rita.get_by_label("Från och med", exact=True).fill("2026-11-30")
    rita.get_by_label("Till och med", exact=True).fill("2026-11-01")
    rita.get_by_role("button", name="Visa").click()
    expect(rita.locator("#period-to-error")).to_have_text("Datumet kan inte vara före ”Från och med”.")
    expect(rita.get_by_label("Från och med", exact=True)).to_have_value("2026-11-30")
    expect(rita.get_by_label("Till och med", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(rita, "case-forms-17-delegation-period-error")

    rita.get_by_label("Från och med", exact=True).fill("2026-11-01")
    rita.get_by_label("Till och med", exact=True).fill("2026-11-30")
    rita.get_by_role("button", name="Visa").click()
    rows = rita.locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text("Allvarligt missförhållande")
    expect(rows.nth(1)).to_contain_text("Nils Lund (namngiven delegat)")
    expect(rows.nth(3)).to_contain_text("Inget missförhållande, hanteras vidare som avvikelse")
    screenshot(rita, "case-forms-18-delegation-list")

    with rita.expect_download() as download:
        rita.get_by_role("link", name="Ladda ned CSV (Excel)").click()
    assert download.value.suggested_filename == "delegationsbeslut-2026-11-01-2026-11-30.csv"
    content = open(download.value.path(), "rb").read()
    assert content.startswith("\ufeffDatum;Diarienummer;Ärendetyp".encode())
    assert decided["serious"].encode() in content

    rita.get_by_role("link", name="Utskriftsvänlig version").click()
    expect(rita.get_by_role("heading", name="Anmälan av delegationsbeslut till socialnämnden")).to_be_visible()
    expect(rita.locator("tbody tr")).to_have_count(4)
    screenshot(rita, "case-forms-19-delegation-print")
    rita.emulate_media(media="print")
    expect(rita.get_by_role("button", name="Skriv ut")).to_be_hidden()
    screenshot(rita, "case-forms-20-delegation-print-media")
