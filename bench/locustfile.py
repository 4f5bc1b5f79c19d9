"""The page mix of a 10,000-member community, for locust (run by bench/load_test.py).

Each simulated user logs in once (reported as "log-in", apart from the pages: password hashing
is slow on purpose) and then browses: mostly members on their own pages, one in ten an
organiser on the management pages. Loopback only; the runner stops it after a fixed time.
"""

from __future__ import annotations

import os
import random
import re
import time

from locust import HttpUser
from locust import between
from locust import events
from locust import task

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-Password-1234")
PROGRAM = "/programs/bench-coffee"
# Every response time, for exact percentiles of the page mix (bench/load_test.py reads it):
# one line "<seconds since start> <name> <ms> <failed>" per request.
TIMINGS = os.environ.get("BENCH_TIMINGS", "")
_timings: list[str] = []
_started = time.monotonic()


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kw):  # type: ignore[no-untyped-def]
    if TIMINGS:
        at = time.monotonic() - _started
        _timings.append(f"{at:.3f}\t{name}\t{response_time:.1f}\t{int(bool(exception))}")


@events.quitting.add_listener
def _write(environment, **kw):  # type: ignore[no-untyped-def]
    if TIMINGS:
        with open(TIMINGS, "w") as fh:
            fh.write("\n".join(_timings) + "\n")


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "24"))


class Member(HttpUser):
    weight = 9
    wait_time = between(0.5, 2.0)
    email = ""

    def on_start(self) -> None:
        if not self.email:
            self.email = f"member{random.randrange(MEMBERS)}@bench.example"
        page = self.client.get("/accounts/login/", name="log-in page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log-in",
            allow_redirects=False,
        )

    @task(4)
    def coffee(self) -> None:
        self.client.get(f"{PROGRAM}/coffee/", name="coffee member page")

    @task(2)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(1)
    def directory(self) -> None:
        self.client.get("/programs/", name="directory")

    @task(1)
    def programme(self) -> None:
        self.client.get(f"{PROGRAM}/", name="programme page")


class Organiser(Member):
    weight = 1
    email = "organiser@bench.example"

    @task(3)
    def members(self) -> None:
        page = random.randint(1, 20)
        self.client.get(f"{PROGRAM}/manage/?page={page}", name="member list")

    @task(2)
    def rounds(self) -> None:
        self.client.get(f"{PROGRAM}/coffee/manage/", name="coffee manage")

    @task(2)
    def round_page(self) -> None:
        self.client.get(f"{PROGRAM}/coffee/manage/rounds/{ROUNDS}/", name="coffee round page")

    @task(1)
    def api_members(self) -> None:
        offset = random.randrange(0, MEMBERS, 50)
        self.client.get(
            f"/api/v1/programs/bench-coffee/members?limit=50&offset={offset}",
            name="API programme members",
        )
