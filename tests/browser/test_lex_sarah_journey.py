"""A lex Sarah case from report to IVO notification, in Chromium, each person signed in on their
own page: Anna reports, Erik protects, Rita registers, Anders commissions Ulla, Ulla investigates
and proposes, Fredrik decides and notifies IVO. Anna, the reporter, sees only the status."""
import re

from playwright.sync_api import Page, expect

from tests.browser.steps import finish, open_task

WHAT_HAPPENED = "Brukaren fick inte sitt kvällsbesök och var utan tillsyn i sex timmar."
STATEMENT = "Besöket föll bort vid en schemaändring."
IVO_REFERENCE = "3.5.1-12345/2026"
DUE_NOT_PASSED = re.compile("^(Idag|I tid)$")


def test_a_lex_sarah_case_goes_from_report_to_ivo_notification(new_page, login, screenshot):
    people = ("anna", "erik", "rita", "anders", "ulla", "fredrik")
    anna, erik, rita, anders, ulla, fredrik = pages = [new_page() for _ in people]
    for page, person in zip(pages, people):
        login(page, person)

    diary_number = report(anna, screenshot)
    protect(erik, diary_number, screenshot)
    register(rita, diary_number, screenshot)
    assign_investigator(anders, diary_number, screenshot)
    investigate(ulla, diary_number, screenshot)
    propose(ulla, screenshot)
    decide(fredrik, diary_number, screenshot)
    notify_ivo(fredrik, screenshot)
    reporter_sees_only_the_status(anna, diary_number, screenshot)


def report(anna: Page, screenshot) -> str:
    """Anna reports, first with the dates in the wrong order, then corrected."""
    anna.goto("/rapportera")
    anna.get_by_role("link", name="Rapport om missförhållande").click()
    expect(anna.locator("#f-received_on")).to_have_value("2026-11-23")
    expect(anna.locator("#f-reporter_name")).to_have_value("Anna Lindqvist")
    anna.locator("#f-unit").select_option(label="Hemtjänst Norr")
    anna.locator("#f-what_happened").fill(WHAT_HAPPENED)
    anna.locator("#f-occurred_on").fill("2026-11-20")
    anna.locator("#f-noticed_on").fill("2026-11-19")  # before it happened: refused
    anna.locator("#f-received_on").fill("2026-11-20")
    anna.locator("#f-affected_individual").fill("Brukare A")
    anna.locator("#f-affected_gender").select_option(label="Kvinna")
    anna.locator("#f-immediate_actions").fill("Sjuksköterskan tillkallades.")
    anna.locator("#f-reporter_role").get_by_label("Medarbetare").check()
    screenshot(anna, "lex-sarah-01-report-form")
    anna.get_by_role("button", name="Skicka rapporten").click()

    summary = anna.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Formuläret innehåller ett fel")
    expect(summary.get_by_role("link", name="När upptäcktes det?")).to_have_attribute("href", "#f-noticed_on")
    expect(anna.locator("#f-noticed_on-error")).to_contain_text("Datumet kan inte vara före")
    expect(anna.locator("#f-noticed_on")).to_have_attribute("aria-invalid", "true")
    # Everything else typed is still there.
    expect(anna.locator("#f-unit")).to_have_value("hemtjanst-norr")
    expect(anna.locator("#f-what_happened")).to_have_value(WHAT_HAPPENED)
    expect(anna.locator("#f-occurred_on")).to_have_value("2026-11-20")
    expect(anna.locator("#f-received_on")).to_have_value("2026-11-20")
    expect(anna.locator("#f-affected_individual")).to_have_value("Brukare A")
    expect(anna.locator("#f-affected_gender")).to_have_value("woman")
    expect(anna.locator("#f-immediate_actions")).to_have_value("Sjuksköterskan tillkallades.")
    expect(anna.locator("#f-reporter_role").get_by_label("Medarbetare")).to_be_checked()
    screenshot(anna, "lex-sarah-02-report-error")

    summary.get_by_role("link").click()
    expect(anna.locator("#f-noticed_on")).to_be_focused()
    anna.locator("#f-noticed_on").fill("2026-11-20")
    anna.get_by_role("button", name="Skicka rapporten").click()

    expect(anna.get_by_role("heading", name="Rapporten är inlämnad")).to_be_visible()
    diary_number = anna.locator(".diary-number").inner_text()
    assert diary_number == "SOCN/2026:1"
    screenshot(anna, "lex-sarah-03-receipt")
    return diary_number


def protect(erik: Page, diary_number: str, screenshot) -> None:
    card = open_task(erik, diary_number, "Vidta omedelbara åtgärder")
    expect(erik.locator("h1")).to_have_text(diary_number)
    expect(erik.get_by_text(WHAT_HAPPENED)).to_be_visible()
    # Rita's step runs alongside Erik's, and its deadline is shown to him: due at the end of today.
    expect(deadline(erik, "Registreringsfrist").locator(".badge")).to_have_text(DUE_NOT_PASSED)
    expect(card.locator("#protect-f-taken_on")).to_have_value("2026-11-23")
    card.locator("#protect-f-actions_taken").fill("Extra tillsyn ordnades samma kväll.")
    card.locator("#protect-f-staff_support").fill("Samtal med personalgruppen.")
    screenshot(erik, "lex-sarah-04-protect")
    finish(card)

    expect(erik.locator(".alert-success")).to_have_text("”Vidta omedelbara åtgärder” är klart.")
    expect(erik.locator(".task-card")).to_have_count(0)
    expect_done(erik, "Erik Johansson", "Vidta omedelbara åtgärder slutförd")
    expect(facts(erik, "Aktuellt steg")).to_have_text("Registrera rapporten")


def register(rita: Page, diary_number: str, screenshot) -> None:
    rita.goto("/uppgifter")
    row = rita.locator("tbody tr", has_text=diary_number)
    expect(row).to_contain_text("Registrera rapporten")
    expect(row.locator(".badge")).to_have_text(DUE_NOT_PASSED)
    screenshot(rita, "lex-sarah-05-rita-tasks")
    card = open_task(rita, diary_number, "Registrera rapporten")
    expect(card.locator("#register-f-registered_on")).to_have_value("2026-11-23")
    finish(card)

    expect_done(rita, "Rita Nilsson", "Registrera rapporten slutförd")
    report_section = rita.get_by_role("region", name="Rapport om missförhållande")
    expect(report_section.locator(".data > div", has=rita.locator("dt", has_text="Den enskildes kön"))
           .locator("dd")).to_have_text("Kvinna")
    expect(facts(rita, "Aktuellt steg")).to_have_text("Utse utredare")
    expect(deadline(rita, "Registreringsfrist")).to_contain_text("Hållen")
    expect(deadline(rita, "Frist för utredare")).to_contain_text("I tid")
    screenshot(rita, "lex-sarah-06-registered")


def assign_investigator(anders: Page, diary_number: str, screenshot) -> None:
    card = open_task(anders, diary_number, "Utse utredare")
    investigator = card.locator("#assign_investigator-f-investigator")
    # Only investigators are offered.
    expect(investigator.locator("option")).to_have_text(["Välj …", "Göran Åkesson", "Ulla Svensson"])
    investigator.select_option(label="Ulla Svensson")
    screenshot(anders, "lex-sarah-07-assign")
    finish(card)

    expect_done(anders, "Anders Ek", "Utse utredare slutförd")
    expect(facts(anders, "Aktuellt steg")).to_have_text("Utred händelsen")
    expect(deadline(anders, "Utredningsfrist")).to_contain_text("I tid")
    expect(anders.get_by_role("region", name="Utse utredare")).to_contain_text("Ulla Svensson")


def investigate(ulla: Page, diary_number: str, screenshot) -> None:
    card = open_task(ulla, diary_number, "Utred händelsen")
    fill_entry(card, 0, "Intervju med personal", "Faktum", STATEMENT)
    card.locator("#investigate-f-method").fill("Intervjuer med personal och genomgång av schemat.")
    card.get_by_role("button", name="+ Lägg till rad").first.click()  # the first list: the entries

    card = ulla.locator("#uppgift-investigate")
    expect(card.locator("#investigate-f-entries-0-source")).to_have_value("Intervju med personal")
    expect(card.locator("#investigate-f-method")).to_have_value("Intervjuer med personal och genomgång av schemat.")
    fill_entry(card, 1, "Genomförandeplan", "Bedömning", "Planen saknade rutin för ändrade besökstider.")
    card.locator("#investigate-f-individual_interviewed").get_by_label("Ja").check()
    card.locator("#investigate-f-consequences").fill("Brukaren var utan tillsyn i sex timmar.")
    card.locator("#investigate-f-causes").fill("Schemaändringen kommunicerades inte.")
    card.locator("#investigate-f-earlier_similar").fill("Inga kända.")
    screenshot(ulla, "lex-sarah-08-investigate")
    finish(card)

    expect_done(ulla, "Ulla Svensson", "Utred händelsen slutförd")
    investigation = ulla.get_by_role("region", name="Utred händelsen")
    entries = investigation.locator(".data-wide", has_text="Utredningens uppgifter").locator("tbody tr")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text(STATEMENT)
    expect(entries.nth(1)).to_contain_text("Bedömning")
    expect(ulla.locator("#uppgift-propose")).to_be_visible()


def fill_entry(card, index: int, source: str, kind: str, statement: str) -> None:
    prefix = f"#investigate-f-entries-{index}-"
    card.locator(prefix + "date").fill("2026-11-23")
    card.locator(prefix + "source").fill(source)
    card.locator(prefix + "kind").get_by_label(kind).check()
    card.locator(prefix + "statement").fill(statement)
    card.locator(prefix + "author_name").fill("Ulla Svensson")
    card.locator(prefix + "author_title").fill("SAS")


def propose(ulla: Page, screenshot) -> None:
    card = ulla.locator("#uppgift-propose")
    card.locator("#propose-f-assessment").select_option(label="Allvarligt missförhållande")
    card.locator("#propose-f-categories").get_by_label("Försummelse").check()
    card.locator("#propose-f-categories").get_by_label("Brister i genomförande av insats").check()
    card.locator("#propose-f-severity").get_by_label("Hög").check()
    card.locator("#propose-f-probability").get_by_label("Liten", exact=True).check()
    card.locator("#propose-f-recurrence_risk").fill("Stor utan ändrad rutin.")
    card.locator("#propose-f-action_plan-0-description").fill("Ny rutin för schemaändringar")
    card.locator("#propose-f-action_plan-0-owner").select_option(label="Erik Johansson")
    card.locator("#propose-f-action_plan-0-due_on").fill("2026-12-31")
    card.locator("#propose-f-proposal").fill("Allvarligt missförhållande; anmäls till IVO.")
    screenshot(ulla, "lex-sarah-09-propose")
    finish(card)

    expect_done(ulla, "Ulla Svensson", "Bedöm och föreslå beslut slutförd")
    proposal = ulla.get_by_role("region", name="Bedöm och föreslå beslut")
    expect(proposal).to_contain_text("Försummelse, Brister i genomförande av insats")
    expect(proposal.locator("dd", has_text="kritisk")).to_be_visible()  # severity hög: IVO is notified
    expect(facts(ulla, "Aktuellt steg")).to_have_text("Besluta om allvarligt missförhållande")


def decide(fredrik: Page, diary_number: str, screenshot) -> None:
    card = open_task(fredrik, diary_number, "Besluta om allvarligt missförhållande")
    card.locator("#decide-f-serious").get_by_label("Ja").check()
    card.locator("#decide-f-motivation").fill("Allvarlig risk för brukarens hälsa.")
    screenshot(fredrik, "lex-sarah-10-decide")
    finish(card)

    expect_done(fredrik, "Fredrik Öberg", "Besluta om allvarligt missförhållande slutförd")
    expect(deadline(fredrik, "Frist för IVO-anmälan")).to_contain_text("I tid")
    expect(fredrik.locator("#uppgift-notify_ivo")).to_be_visible()


def notify_ivo(fredrik: Page, screenshot) -> None:
    card = fredrik.locator("#uppgift-notify_ivo")
    card.locator("#notify_ivo-f-signer").fill("Fredrik Öberg")
    card.locator("#notify_ivo-f-channel").get_by_label("IVO:s e-tjänst").check()
    card.locator("#notify_ivo-f-ivo_reference").fill(IVO_REFERENCE)
    card.locator("#notify_ivo-f-investigation_included").get_by_label("Ja").check()
    finish(card)

    expect_done(fredrik, "Fredrik Öberg", "Anmäl till IVO slutförd")
    notification = fredrik.get_by_role("region", name="Anmäl till IVO")
    expect(notification).to_contain_text(IVO_REFERENCE)
    expect(notification).to_contain_text("IVO:s e-tjänst")
    expect(deadline(fredrik, "Frist för IVO-anmälan")).to_contain_text("Hållen")
    expect(fredrik.locator("#uppgift-notify_ivo")).to_have_count(0)
    expect(fredrik.get_by_role("link", name="Anmälan till IVO")).to_be_visible()
    screenshot(fredrik, "lex-sarah-11-ivo-notified")


def reporter_sees_only_the_status(anna: Page, diary_number: str, screenshot) -> None:
    anna.goto("/arenden")
    anna.get_by_role("link", name=diary_number).click()
    expect(anna.locator("h1")).to_have_text(diary_number)
    expect(anna.locator("dl.facts")).to_contain_text("Öppet")
    expect(anna.locator("dl.facts")).to_contain_text("Informera den enskilde")  # where the case is now
    expect(anna.locator("main")).to_contain_text("Utredningen och ärendets uppgifter visas bara för dem")
    for hidden in (WHAT_HAPPENED, STATEMENT, IVO_REFERENCE, "Historik", "Brukare A"):
        expect(anna.locator("main")).not_to_contain_text(hidden)
    expect(anna.locator("svg")).to_have_count(0)
    screenshot(anna, "lex-sarah-12-reporter-status")


def deadline(page: Page, label: str):
    return page.locator(".deadlines li", has=page.locator(".deadline-label", has_text=label))


def expect_done(page: Page, person: str, event: str) -> None:
    """The history has the event once, by `person`, at the clock's time in Stockholm."""
    rows = page.locator("section", has=page.get_by_role("heading", name="Historik")).locator("tbody tr")
    row = rows.filter(has_text=event)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(person)
    expect(row).to_contain_text("2026-11-23 10:00")


def facts(page: Page, name: str):
    return page.locator(".facts > div", has=page.locator("dt", has_text=name)).locator("dd")
