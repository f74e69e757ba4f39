"""Requests fired at the same moment: each from its own thread, test client and database
connection, released together by a barrier. What each thread got back is kept, with the
exception behind a 500 to name it."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

from django.core.signals import got_request_exception
from django.db import connections
from django.test import Client

from tests.bad_input.probe import HOST, Outcome, _text, encode_form

CONTENT_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Request:
    """One POST as a person's browser sends it (``htmx``: from an htmx control)."""

    who: str
    path: str
    pairs: tuple
    htmx: bool = False

    def __str__(self) -> str:
        return f"POST {self.path}{' (htmx)' if self.htmx else ''} as {self.who}"


class _Exceptions:
    """The exception behind each thread's last 500 (the client turns it into a response)."""

    def __init__(self):
        self.by_thread: dict[int, str] = {}
        got_request_exception.connect(self._keep, dispatch_uid="concurrency-sweep")

    def _keep(self, sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        text = f"{type(error).__name__}: {str(error)[:160]}" if error else "?"
        self.by_thread[threading.get_ident()] = text

    def take(self) -> str:
        return self.by_thread.pop(threading.get_ident(), "")


_exceptions = _Exceptions()


def _post(client: Client, request: Request) -> Outcome:
    headers = {"HTTP_HOST": HOST, "HTTP_ACCEPT": "text/html"}
    if request.htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    body = encode_form(request.pairs, CONTENT_TYPE)
    response = client.generic("POST", request.path, body, content_type=CONTENT_TYPE, **headers)
    return Outcome(
        "POST",
        request.path,
        response.status_code,
        _text(response),
        _exceptions.take(),
        response.get("Location", ""),
        content_type=response.get("Content-Type", ""),
    )


def fire(browsers: dict[str, list[Client]], requests: list[Request]) -> list[Outcome]:
    """Send ``requests`` at once, each from a browser of its own (``browsers[who]`` holds
    a signed-in client per thread that may act as that person)."""
    taken: dict[str, int] = {}
    plan = []
    for request in requests:
        index = taken[request.who] = taken.get(request.who, -1) + 1
        plan.append((browsers[request.who][index], request))
    barrier = threading.Barrier(len(plan))
    outcomes: list[Outcome | None] = [None] * len(plan)

    def run(slot: int, client: Client, request: Request) -> None:
        try:
            client.raise_request_exception = False
            barrier.wait(timeout=30)
            outcomes[slot] = _post(client, request)
        except Exception as error:  # a broken barrier or client: the sweep names it
            outcomes[slot] = Outcome("POST", request.path, 599, "", f"{error!r}"[:200])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(slot, client, request))
        for slot, (client, request) in enumerate(plan)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [
        outcome or Outcome("POST", request.path, 599, "", "the thread never finished")
        for outcome, (_client, request) in zip(outcomes, plan, strict=True)
    ]
