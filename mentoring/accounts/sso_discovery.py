"""An OpenID Connect issuer's discovery document, fetched and checked before it is used.

A manager saving a provider in the admin gets the answer as a form error; the sign-in
pages turn an unreachable provider into a page that says so (``sso``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings

DISCOVERY_PATH = "/.well-known/openid-configuration"
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The issuer's discovery document is missing or wrong; the message says how."""


@dataclass(frozen=True)
class Discovery:
    issuer: str
    end_session_url: str


def _same_issuer(stated: str, expected: str) -> bool:
    return stated.rstrip("/") == expected.rstrip("/")


def discover(issuer_url: str) -> Discovery:
    """Fetch ``issuer_url``'s discovery document and check it names that issuer.

    Certificates are checked against the system's store, or the bundle named by the
    ``REQUESTS_CA_BUNDLE`` environment variable (a private CA: ``docs/sso.md``).
    """
    url = issuer_url.rstrip("/") + DISCOVERY_PATH
    timeout = getattr(settings, "SOCIALACCOUNT_REQUESTS_TIMEOUT", 10)
    try:
        response = requests.get(url, timeout=timeout, allow_redirects=False)
    except requests.exceptions.SSLError as error:
        raise DiscoveryError(
            f"The certificate of {issuer_url} is not trusted here ({type(error).__name__}). "
            "If it comes from a private certificate authority, the platform operator adds "
            "that authority (see the single sign-on guide)."
        ) from error
    except requests.RequestException as error:
        raise DiscoveryError(
            f"{url} could not be reached ({type(error).__name__}). Check the issuer URL."
        ) from error
    if response.status_code != 200:
        raise DiscoveryError(
            f"{url} answered {response.status_code}, not the discovery document. "
            "Check the issuer URL."
        )
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise DiscoveryError(f"{url} is not an OpenID Connect discovery document (JSON).")
    stated = document.get("issuer")
    if not isinstance(stated, str) or not _same_issuer(stated, issuer_url):
        raise DiscoveryError(
            f"The discovery document names the issuer “{stated}”, not {issuer_url}. "
            "Use exactly the issuer it names."
        )
    missing = [name for name in REQUIRED_ENDPOINTS if not document.get(name)]
    if missing:
        raise DiscoveryError(f"The discovery document lacks {', '.join(missing)}.")
    end_session = document.get("end_session_endpoint")
    return Discovery(
        issuer=stated, end_session_url=end_session if isinstance(end_session, str) else ""
    )


def logout_url(end_session_url: str, *, client_id: str, after: str) -> str:
    """The provider's sign-out (RP-initiated logout), coming back to ``after``."""
    if not end_session_url:
        return ""
    query = urlencode({"client_id": client_id, "post_logout_redirect_uri": after})
    separator = "&" if "?" in end_session_url else "?"
    return f"{end_session_url}{separator}{query}"
