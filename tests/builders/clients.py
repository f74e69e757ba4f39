"""Test clients on an organization's host: a signed-in member, or an HR API key holder."""

from __future__ import annotations

from django.test import Client

from .world import PASSWORD, make_user


def client_for(client, organization, user=None):
    """A test client on the organization's host, signed in as ``user`` when given."""
    client.defaults["HTTP_HOST"] = f"{organization.slug}.localhost"
    if user is not None:
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:2000]
    return client


def platform_operator(client):
    """``client`` signed in as the platform operator (staff, superuser) on the root host."""
    user = make_user("operator@platform.example")
    user.is_staff = user.is_superuser = True
    user.save()
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:2000]
    return client


def signed_in(org, user) -> Client:
    """A browser of its own for ``user`` on ``org``'s host, so a test can switch people."""
    return client_for(Client(), org.organization, user)


class Api:
    """GET requests to the HR API as a key holder, on an organization's host."""

    def __init__(self, client):
        self.client = client

    def get(self, path, key=None, host="acme.localhost", **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        return self.client.get(path, HTTP_HOST=host, **headers, **extra)

    def json(self, path, key, host="acme.localhost", **extra):
        response = self.get(path, key, host, **extra)
        assert response.status_code == 200, (path, response.status_code, response.content[:500])
        return response.json()

    def csv(self, path, key, host="acme.localhost"):
        separator = "&" if "?" in path else "?"
        response = self.get(f"{path}{separator}format=csv", key, host)
        assert response.status_code == 200, (path, response.status_code)
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return response.content.decode()
