"""A small but real OpenID Connect provider on loopback, for the single sign-on tests.

It speaks the authorization code flow the way a hosted provider does: a discovery
document, an authorization endpoint that redirects back with a code and the state, a
token endpoint that authenticates the client, checks the redirect URI and the PKCE
verifier and answers with an access token and an RS256-signed ID token, a userinfo
endpoint and the signing keys (JWKS). Nothing leaves the machine.

The person "signed in at the provider" is whoever ``sign_in_as`` last named; the
authorization endpoint approves at once, as a provider with a live session does.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass
class Client:
    client_id: str
    secret: str
    redirect_uris: set[str] = field(default_factory=set)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    claims: dict
    code_challenge: str | None
    used: bool = False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class OpenIDProvider:
    """Start with ``with OpenIDProvider() as provider:``; ``issuer`` is its address."""

    def __init__(self):
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        self.clients: dict[str, Client] = {}
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, dict] = {}
        self.claims: dict = {}
        self.requests: list[str] = []  # "GET /path" of every request served
        self.stated_issuer: str | None = None  # a discovery document naming another issuer
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> OpenIDProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # --- set-up by the test ---------------------------------------------------------

    def register_client(self, client_id: str, secret: str, redirect_uri: str) -> Client:
        client = self.clients.setdefault(client_id, Client(client_id, secret))
        client.redirect_uris.add(redirect_uri)
        return client

    def sign_in_as(self, sub: str, email: str, *, email_verified: bool | None = True, **extra):
        """The person the provider vouches for at the next authorization."""
        self.claims = {"sub": sub, "email": email, "name": email.split("@")[0], **extra}
        if email_verified is not None:
            self.claims["email_verified"] = email_verified

    def authorize(self, url: str) -> str:
        """Open the authorization URL as the browser would; return where it sends us back."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            opener.open(url, timeout=10)
        except urllib.error.HTTPError as answer:
            if answer.code == 302:
                return answer.headers["Location"]
            message = f"the provider refused: {answer.code} {answer.read()!r}"
            raise AssertionError(message) from answer
        raise AssertionError("the provider did not redirect back")

    # --- the protocol ------------------------------------------------------------------

    def discovery(self) -> dict:
        return {
            "issuer": self.stated_issuer or self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "end_session_endpoint": f"{self.issuer}/logout",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def _authorize(self, query: dict) -> tuple[int, dict, bytes]:
        client = self.clients.get(query.get("client_id", ""))
        redirect_uri = query.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            return 400, {}, b"unknown client or redirect_uri"
        if query.get("response_type") != "code":
            return 400, {}, b"only the authorization code flow"
        if "openid" not in query.get("scope", "").split():
            return 400, {}, b"the openid scope is required"
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return 400, {}, b"only S256 PKCE"
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            claims=dict(self.claims),
            code_challenge=query.get("code_challenge"),
        )
        back = f"{redirect_uri}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": back}, b""

    def _client_from(self, form: dict, authorization: str | None) -> Client | None:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization and authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = decoded.partition(":")
        client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret, secret):
            return None
        return client

    def _token(self, form: dict, authorization: str | None) -> tuple[int, dict, bytes]:
        client = self._client_from(form, authorization)
        if client is None:
            return _json(401, {"error": "invalid_client"})
        grant = self.grants.get(form.get("code", ""))
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant.used
            or grant.client_id != client.client_id
            or grant.redirect_uri != form.get("redirect_uri")
        ):
            return _json(400, {"error": "invalid_grant"})
        if grant.code_challenge:
            verifier = form.get("code_verifier", "").encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
            if digest.decode() != grant.code_challenge:
                return _json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        grant.used = True
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant.claims
        now = int(time.time())
        id_token = jwt.encode(
            {
                **grant.claims,
                "iss": self.issuer,
                "aud": client.client_id,
                "iat": now,
                "exp": now + 300,
                "jti": secrets.token_hex(8),
            },
            self._key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )
        return _json(
            200,
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )

    def _userinfo(self, authorization: str | None) -> tuple[int, dict, bytes]:
        token = (authorization or "").removeprefix("Bearer ")
        if token not in self.tokens:
            return _json(401, {"error": "invalid_token"})
        return _json(200, self.tokens[token])

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                return

            def _answer(self, status: int, headers: dict, body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                parts = urlsplit(self.path)
                provider.requests.append(f"GET {parts.path}")
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                authorization = self.headers.get("Authorization")
                if parts.path == "/.well-known/openid-configuration":
                    self._answer(*_json(200, provider.discovery()))
                elif parts.path == "/jwks":
                    self._answer(*_json(200, provider.jwks()))
                elif parts.path == "/authorize":
                    self._answer(*provider._authorize(query))
                elif parts.path == "/userinfo":
                    self._answer(*provider._userinfo(authorization))
                else:
                    self._answer(404, {}, b"not found")

            def do_POST(self):
                parts = urlsplit(self.path)
                provider.requests.append(f"POST {parts.path}")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {key: values[0] for key, values in parse_qs(body).items()}
                if parts.path == "/token":
                    self._answer(*provider._token(form, self.headers.get("Authorization")))
                else:
                    self._answer(404, {}, b"not found")

        return Handler


def _json(status: int, payload: dict) -> tuple[int, dict, bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()
