"""The browser test set-up works: Debian's Chromium reaches the live server, which shares the
test's database, and screenshots are written."""
from playwright.sync_api import expect


def test_a_served_page_opens_in_chromium_and_is_photographed(page, screenshot):
    response = page.goto("/login")

    assert response.status == 200
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_be_visible()
    path = screenshot(page, "smoke-login")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_login_signs_in_and_the_browser_sees_the_tests_database(page, login, cases):
    diary_number = cases.file()  # filed by the test; the registrator must register it

    login(page, "rita")

    expect(page.locator("input[name=password]")).to_have_count(0)
    assert any(cookie["name"] == "session" for cookie in page.context.cookies())
    expect(page.get_by_text(diary_number).first).to_be_visible()


def test_each_new_page_is_signed_in_as_its_own_person(page, new_page, login):
    other = new_page()

    login(page, "rita")
    login(other, "anna")

    page.reload()
    expect(page.locator("header").get_by_text("Rita Nilsson")).to_be_visible()
    expect(other.locator("header").get_by_text("Anna Lindqvist")).to_be_visible()
