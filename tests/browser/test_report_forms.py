"""The complaint and deviation forms in Chromium: a deviation reported by Anna and routed to MAS
at triage by Erik, where Maria finds it; a paper complaint registered by Rita with its real date
of arrival, routed to another unit and answered there by Lena."""
import re

from playwright.sync_api import expect

from tests.browser.steps import finish, open_task

DEVIATION = "Dosetten för tisdag kväll var tom vid besöket; brukaren fick inte sina tabletter."
COMPLAINT = "Min bror har inte fått komma ut på promenad på tre veckor trots att det står i hans plan."


def test_a_health_care_deviation_is_routed_to_mas_at_triage(new_page, login, inbox, screenshot):
    anna, erik, maria = new_page(), new_page(), new_page()
    login(anna, "anna")
    login(erik, "erik")
    login(maria, "maria")

    anna.goto("/rapportera")
    anna.get_by_role("link", name="Rapportera en avvikelse").click()
    anna.locator("#f-unit").select_option(label="Hemtjänst Norr")
    anna.locator("#f-what_happened").fill(DEVIATION)
    anna.locator("#f-occurred_on").fill("2026-11-22")
    anna.locator("#f-noticed_on").fill("2026-11-22")
    anna.locator("#f-affected_individual").fill("Brukare D")
    anna.locator("#f-immediate_actions").fill("Sjuksköterskan kontaktades.")
    anna.locator("#f-health_care").check()
    screenshot(anna, "deviation-01-report")
    anna.get_by_role("button", name="Skicka rapporten").click()
    expect(anna.get_by_role("heading", name="Rapporten är inlämnad")).to_be_visible()
    diary_number = anna.locator(".diary-number").inner_text()
    expect(anna.locator("main")).to_contain_text("Rapporten (Avvikelse) är registrerad")

    card = open_task(erik, diary_number, "Bedöm avvikelsen")
    expect(erik.get_by_role("region", name="Rapportera en avvikelse")).to_contain_text(DEVIATION)
    card.locator("#triage-f-severity").get_by_label("Betydande").check()
    card.locator("#triage-f-probability").get_by_label("Liten", exact=True).check()
    card.locator("#triage-f-route").get_by_label("Till MAS (hälso- och sjukvård, lex Maria)").check()
    card.locator("#triage-f-assessment").fill("Rutinen för dosettkontroll följdes inte.")
    finish(card)  # without a category

    card = erik.locator("#uppgift-triage")
    expect(card.locator(".error-summary")).to_contain_text("Kategori")
    expect(card.locator("#triage-f-category-error")).to_have_text("Fältet måste fyllas i.")
    expect(card.locator("#triage-f-route").get_by_label("Till MAS (hälso- och sjukvård, lex Maria)")).to_be_checked()
    expect(card.locator("#triage-f-assessment")).to_have_value("Rutinen för dosettkontroll följdes inte.")
    screenshot(erik, "deviation-02-triage-error")
    card.locator("#triage-f-category").select_option(label="Läkemedel")
    finish(card)

    triage = erik.get_by_role("region", name="Bedöm avvikelsen")
    expect(triage).to_contain_text("Till MAS (hälso- och sjukvård, lex Maria)")
    expect(triage.locator("dd", has_text="medium")).to_be_visible()  # betydande (3) × liten (2)
    expect(erik.locator(".facts")).to_contain_text("Bedöm enligt lex Maria")
    expect(erik.locator(".task-card")).to_have_count(0)  # nothing more for Erik now
    screenshot(erik, "deviation-03-triaged")

    card = open_task(maria, diary_number, "Bedöm enligt lex Maria")
    expect(maria.get_by_text(DEVIATION)).to_be_visible()
    expect(card.locator("#mas_review-f-reviewed_on")).to_have_value("2026-11-23")
    screenshot(maria, "deviation-04-mas")
    assert inbox("erik") == []


def test_a_paper_complaint_is_registered_routed_and_answered_by_the_other_unit(new_page, login, runner, inbox,
                                                                                screenshot):
    rita, lena = new_page(), new_page()
    login(rita, "rita")
    login(lena, "lena")

    rita.goto("/rapportera/klagomal")
    rita.locator("#f-feedback_type").select_option(label="Klagomål")
    rita.locator("#f-submitter_category").get_by_label("Anhörig").check()
    rita.locator("#f-unit").select_option(label="Hemtjänst Norr")  # as the form says; it is about Eken
    rita.locator("#f-description").fill(COMPLAINT)
    rita.locator("#f-received_on").fill("2026-12-13")  # a slip of the pen: in the future
    rita.locator("#f-channel").select_option(label="Pappersblankett eller broschyr")
    rita.locator("#f-reply_wanted").check()
    rita.locator("#f-name").fill("Eva Ek")
    rita.locator("#f-phone").fill("070-123 45 67")
    rita.get_by_role("button", name="Skicka rapporten").click()

    expect(rita.locator("#f-received_on-error")).to_have_text("Datumet kan inte ligga i framtiden.")
    expect(rita.locator(".error-summary").get_by_role("link")).to_have_attribute("href", "#f-received_on")
    expect(rita.locator("#f-description")).to_have_value(COMPLAINT)
    expect(rita.locator("#f-channel")).to_have_value("paper")
    expect(rita.locator("#f-reply_wanted")).to_be_checked()
    expect(rita.locator("#f-phone")).to_have_value("070-123 45 67")
    screenshot(rita, "complaint-01-paper-form-error")
    rita.locator("#f-received_on").fill("2026-11-13")
    rita.get_by_role("button", name="Skicka rapporten").click()
    diary_number = rita.locator(".diary-number").inner_text()
    assert runner.show_case(diary_number, "rita").received_on.isoformat() == "2026-11-13"

    card = open_task(rita, diary_number, "Registrera och fördela")
    card.locator("#register-f-unit").select_option(label="LSS-bostad Eken")
    screenshot(rita, "complaint-02-register")
    finish(card)
    expect(rita.locator(".facts")).to_contain_text("LSS-bostad Eken")
    # 14 days from arrival (2026-11-13), not from registration: due at the end of 2026-11-27.
    answer_due = rita.locator(".deadlines li", has_text="Svarsfrist").filter(has_text="I tid")
    expect(answer_due).to_contain_text(re.compile(r"senast 2026-11-2[78]"))

    lena.goto("/uppgifter")
    row = lena.locator("tbody tr", has_text=diary_number)
    expect(row).to_contain_text("Besvara synpunkten")
    expect(row).to_contain_text("LSS-bostad Eken")
    expect(row.locator(".badge")).to_have_text(re.compile("^(I tid|Idag)$"))
    screenshot(lena, "complaint-03-lena-tasks")
    assert diary_number not in [number for number, _ in inbox("erik")]

    card = open_task(lena, diary_number, "Besvara synpunkten")
    expect(lena.get_by_text(COMPLAINT)).to_be_visible()
    card.locator("#answer-f-answer").fill("Vi beklagar. Promenaderna är nu inlagda i schemat två gånger i veckan.")
    card.locator("#answer-f-channel").select_option(label="Telefon")
    card.locator("#answer-f-measures").fill("Promenader schemalagda.")
    card.locator("#answer-f-reveals_misconduct").get_by_label("Nej").check()
    screenshot(lena, "complaint-04-answer")
    finish(card)

    expect(lena.locator(".alert-success")).to_have_text("”Besvara synpunkten” är klart.")
    answer = lena.get_by_role("region", name="Besvara synpunkten")
    expect(answer).to_contain_text("Telefon")
    expect(answer).to_contain_text("Promenader schemalagda.")
    expect(lena.locator(".deadlines li", has_text="Svarsfrist").first).to_contain_text("Hållen")
    expect(lena.locator(".deadlines .badge", has_text=re.compile("I tid|Idag|Försenad"))).to_have_count(0)
    expect(lena.locator("#uppgift-close")).to_be_visible()  # Lena closes it next
    screenshot(lena, "complaint-05-answered")
