"""Load scenario: the main pages and API calls as the roles use them (run by benchmarks/load.py).

Think times are short on purpose: the 50 simulated users each stand for many people at work, so that the run
measures what one server process can carry. FastHttpUser keeps the load generator's own CPU low; it shares the
machine with the server.
"""

from __future__ import annotations

import os
import random
import re

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo-Arbeidsbro-2026")
STAFF = [
    "jobbspesialist@arbeidsbro.no",
    "markedskontakt@arbeidsbro.no",
    "jobbspesialist.lillehammer@arbeidsbro.no",
    "markedskontakt.lillehammer@arbeidsbro.no",
    "jobbspesialist.trondheim@arbeidsbro.no",
]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r'href="(/kandidater/\d+)"')
OPENING_LINK = re.compile(r'href="(/stillinger/\d+)"')


def form_login(user: FastHttpUser, email: str) -> None:
    page = user.client.get("/login", name="/login")
    found = CSRF.search(page.text or "")
    if found is None:
        raise RuntimeError(f"/login answered {page.status_code} without a CSRF token")
    token = found.group(1)
    r = user.client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/"},
        name="/login [POST]",
        allow_redirects=False,
    )
    if r.status_code != 303:
        raise RuntimeError(f"login failed for {email}: {r.status_code}")


class StaffUser(FastHttpUser):
    """A job specialist or market contact working through candidates, openings and employers."""

    weight = 6
    wait_time = between(0.0, 0.1)

    def on_start(self) -> None:
        form_login(self, random.choice(STAFF))
        listing = self.client.get("/kandidater", name="/kandidater")
        self.candidates = LINK.findall(listing.text or "") or ["/kandidater"]
        with self.client.get("/stillinger", name="/stillinger", catch_response=True) as openings:
            self.openings = OPENING_LINK.findall(openings.text) if openings.status_code == 200 else []
            openings.success()  # the openings pages may not exist in every version

    @task(3)
    def candidate_list(self) -> None:
        self.client.get("/kandidater", name="/kandidater")

    @task(4)
    def candidate_page(self) -> None:
        self.client.get(random.choice(self.candidates), name="/kandidater/{id}")

    @task(3)
    def opening_page(self) -> None:
        if self.openings:
            self.client.get(random.choice(self.openings), name="/stillinger/{id}")
        else:
            self.client.get("/arbeidsgivere", name="/arbeidsgivere")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="/")


class ApiClient(FastHttpUser):
    """An integration reading through the JSON API with a bearer token."""

    weight = 3
    wait_time = between(0.0, 0.1)
    default_headers = {"Authorization": f"Bearer {os.environ.get('LOAD_API_TOKEN', '')}"}

    @task(3)
    def candidates(self) -> None:
        self.client.get("/api/v1/candidates?limit=50", name="/api/v1/candidates")

    @task(2)
    def employers(self) -> None:
        self.client.get("/api/v1/employers", name="/api/v1/employers")

    @task(1)
    def me(self) -> None:
        self.client.get("/api/v1/me", name="/api/v1/me")


class EmployerUser(FastHttpUser):
    """An employer looking at its own page."""

    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        form_login(self, "arbeidsgiver@arbeidsbro.no")

    @task
    def dashboard(self) -> None:
        self.client.get("/", name="/ (arbeidsgiver)")
