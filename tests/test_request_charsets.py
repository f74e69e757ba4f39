"""A request whose Content-Type names a codec that decodes no text (``charset=base64``)
gets the usual 400 page that says why, never a 500: Django would decode the query string
and the body with it."""

import json
from contextlib import contextmanager

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from mentoring.wsgi import application
from tests.bad_input.values import NOT_TEXT_CHARSETS

NOT_TEXT = NOT_TEXT_CHARSETS


class Answer:
    def __init__(self, status: str, body: bytes):
        self.status_code = int(status.split()[0])
        self.content = body

    def json(self):
        return json.loads(self.content)


@contextmanager
def _keep_test_connection():
    """The handler closes connections around each request; the test's transaction must stay
    (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def served(path: str, query: str, content_type: str) -> Answer:
    """The request as gunicorn hands it to ``mentoring.wsgi.application``."""
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        QUERY_STRING=query,
        REQUEST_METHOD="GET",
        CONTENT_TYPE=content_type,
        HTTP_HOST="acme.localhost",
    )
    status = []
    with _keep_test_connection():
        body = b"".join(application(environ, lambda s, headers, exc=None: status.append(s)))
    return Answer(status[0], body)


def _says_why(response, charset: str) -> None:
    assert response.status_code == 400
    assert f"“{charset}”" in response.content.decode()
    assert "UTF-8" in response.content.decode()


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_a_form_posted_in_a_charset_that_is_not_text_gets_a_400_that_says_why(
    world, client, charset
):
    response = client.generic(
        "POST",
        "/accounts/login/",
        data=b"login=someone%40acme.example&password=x",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_HOST="acme.localhost",
    )
    _says_why(response, charset)
    assert "<html" in response.content.decode()  # the site's page, not bare text


@pytest.mark.parametrize("charset", NOT_TEXT)
def test_a_page_asked_for_with_such_a_charset_and_a_query_gets_the_same_400(world, client, charset):
    response = served("/accounts/login/", "next=/", f"text/plain; charset={charset}")
    _says_why(response, charset)
    assert "<html" in response.content.decode()


def test_the_api_answers_such_a_request_with_its_json_error(world):
    response = served("/api/v1/summary/", "a=b", "application/json; charset=zlib")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert "“zlib”" in error["detail"]
    assert "UTF-8" in error["detail"]


def test_a_real_text_charset_is_accepted(world, client):
    response = client.get(
        "/accounts/login/?next=/",
        HTTP_HOST="acme.localhost",
        CONTENT_TYPE="text/plain; charset=latin-1",
    )
    assert response.status_code == 200
