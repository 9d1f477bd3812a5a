"""Signing in to the pages: passwords, throttling, CSRF, sessions and where sign-in leads."""
import pytest

from tests.web.page_client import PASSWORD, PageClient, csrf_token, set_password


@pytest.fixture
def browser(app):
    return PageClient(app)


def test_signing_in_leads_to_my_tasks_with_my_name(browser):
    response = browser.sign_in("erik")
    assert response.location == "/uppgifter"
    page = browser.get("/uppgifter").text
    assert "Erik Johansson" in page and "Logga ut" in page


def test_a_wrong_password_is_refused_and_leaves_me_signed_out(app, browser):
    set_password(app, "erik")
    response = browser.submit("/login", {"username": "erik", "password": "fel-lösenord"})
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.text
    assert 'value="erik"' in response.text  # the user name is kept
    assert browser.get("/uppgifter").location.startswith("/login")


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(browser):
    response = browser.submit("/login", {"username": "ingen", "password": "vad-som-helst"})
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.text


def test_after_five_failures_even_the_right_password_waits(app, browser):
    set_password(app, "erik")
    for _ in range(5):
        assert browser.submit("/login", {"username": "erik", "password": "gissning"}).status_code == 401
    response = browser.submit("/login", {"username": "erik", "password": PASSWORD})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.text
    assert browser.get("/uppgifter").status_code == 302


def test_the_throttle_ends_when_the_window_has_passed(app, browser, clock):
    from datetime import timedelta

    set_password(app, "erik")
    for _ in range(5):
        browser.submit("/login", {"username": "erik", "password": "gissning"})
    clock.advance(timedelta(minutes=16))
    assert browser.submit("/login", {"username": "erik", "password": PASSWORD}).status_code == 302


def test_a_post_without_the_csrf_token_is_refused(app, browser):
    set_password(app, "erik")
    browser.get("/login")
    response = browser.client.post("/login", data={"username": "erik", "password": PASSWORD})
    assert response.status_code == 400
    assert "säkerhetskod" in response.text
    assert browser.get("/uppgifter").status_code == 302  # not signed in


def test_a_post_with_another_sessions_token_is_refused(app, browser):
    set_password(app, "erik")
    stranger = app.test_client()
    token = csrf_token(stranger.get("/login").text)
    browser.get("/login")
    response = browser.client.post("/login", data={"username": "erik", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400


def test_a_page_needing_sign_in_sends_me_there_and_back(app, browser):
    response = browser.get("/arenden?status=open")
    assert response.status_code == 302
    assert response.location == "/login?next=/arenden?status%3Dopen"
    set_password(app, "erik")
    signed_in = browser.submit("/login?next=/arenden?status%3Dopen", {"username": "erik", "password": PASSWORD})
    assert signed_in.location == "/arenden?status=open"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"])
def test_sign_in_never_leads_to_another_site(app, browser, target):
    set_password(app, "erik")
    response = browser.submit("/login", {"username": "erik", "password": PASSWORD, "next": target})
    assert response.location == "/uppgifter"


def test_signing_in_starts_a_new_session(app, browser):
    set_password(app, "erik")
    with browser.client.session_transaction() as session:
        session["planted"] = "by someone else"
    browser.submit("/login", {"username": "erik", "password": PASSWORD})
    with browser.client.session_transaction() as session:
        assert "planted" not in session
        assert session["person"] == "erik"


def test_signing_out_ends_the_session(browser):
    browser.sign_in("erik")
    response = browser.submit("/logout", {}, page="/uppgifter")
    assert response.status_code == 302 and response.location == "/login"
    assert browser.get("/uppgifter").status_code == 302
    assert "Du är utloggad." in browser.get("/login").text


def test_signing_out_needs_a_post_with_the_token(browser):
    browser.sign_in("erik")
    assert browser.get("/logout").status_code == 405
    assert browser.client.post("/logout").status_code == 400
    assert browser.get("/uppgifter").status_code == 200
