from tests.factories import login, make_user


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}


def test_login_and_dashboard(client, db):
    user = make_user(db, "jobbspesialist")
    login(client, user)
    r = client.get("/")
    assert r.status_code == 200
    assert "Oversikt" in r.text
