"""A minimal OpenID Connect provider on 127.0.0.1, for testing sign-in through `st.login()`.

Nothing outside this machine is reachable in the tests, so this stands in for the identity
provider of a deployment (Google, Keycloak, Entra ID…). It speaks just enough of OpenID
Connect Core 1.0 for Authlib's client (the one Streamlit's `st.login()` uses):

- `GET /.well-known/openid-configuration`: discovery (advertises PKCE S256, which Streamlit
  then enforces);
- `GET /authorize`: auto-approves. No login form: it redirects straight back to the
  `redirect_uri` with a one-time code and the caller's `state`, for the identity configured on
  the provider object at that moment (`provider.identity`);
- `POST /token`: code → `id_token` (RS256, with the `nonce` from `/authorize`) and an opaque
  `access_token`; checks the client (HTTP Basic or form fields), the code (single use, short
  lived), the `redirect_uri` and the PKCE verifier;
- `GET /jwks`: the public signing key;
- `GET /userinfo`: the identity's claims for a Bearer access token;
- `GET /logout`: RP-initiated logout (`end_session_endpoint`), back to
  `post_logout_redirect_uri`.

The server is a stdlib `ThreadingHTTPServer` in a daemon thread, bound to 127.0.0.1 on a port
the OS picks (so no race for a free port). The RSA key is generated at start with
`cryptography`; tokens are signed with `joserfc` (which Authlib ≥ 1.7 uses itself). Use it as a
context manager, or `start()` / `stop()`:

    with OidcProvider(identity=Identity("rina@kpu.example", "Rina")) as idp:
        idp.secrets_toml(redirect_uri="http://127.0.0.1:8501/oauth2callback")

Every request is recorded in `provider.requests` (method, path) for tests to assert on.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

CODE_LIFETIME_S = 120  # an authorization code is good for this long, once
TOKEN_LIFETIME_S = 3600  # id_token and access_token
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Identity:
    """Who the provider says signs in. `sub` defaults to a value derived from the email."""

    email: str
    name: str
    sub: str = ""
    email_verified: bool = True

    def claims(self) -> dict[str, Any]:
        sub = self.sub or "sub-" + hashlib.sha256(self.email.lower().encode()).hexdigest()[:16]
        return {
            "sub": sub,
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
        }


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    scope: str
    claims: dict[str, Any]
    expires_at: float


@dataclass
class OidcProvider:
    """The provider. `identity` may be changed between sign-ins; a code already issued keeps
    the identity it was issued for."""

    identity: Identity = field(
        default_factory=lambda: Identity("rina@kpu.example", "Rina Wulandari", "rina-001")
    )
    client_id: str = "kesiapan-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    # When set, /authorize accepts only these redirect URIs (exact match); otherwise any
    # http://127.0.0.1:… or http://localhost:… URI.
    redirect_uris: tuple[str, ...] = ()

    requests: list[tuple[str, str]] = field(default_factory=list, init=False)
    _server: ThreadingHTTPServer | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _codes: dict[str, _Grant] = field(default_factory=dict, init=False, repr=False)
    _access_tokens: dict[str, tuple[dict[str, Any], float]] = field(
        default_factory=dict, init=False, repr=False
    )
    _key: RSAKey | None = field(default=None, init=False, repr=False)

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> OidcProvider:
        if self._server is not None:
            raise RuntimeError("the provider is already running")
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        kid = secrets.token_hex(8)
        self._key = RSAKey.import_key(private, {"kid": kid, "use": "sig", "alg": "RS256"})
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="oidc-idp", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what a relying party needs ----------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the provider is not running")
        return int(self._server.server_address[1])

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def secrets_toml(self, redirect_uri: str, cookie_secret: str | None = None) -> str:
        """An `[auth]` section for Streamlit's secrets.toml pointing at this provider."""
        values = {
            "redirect_uri": redirect_uri,
            "cookie_secret": cookie_secret or secrets.token_urlsafe(32),
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "server_metadata_url": self.metadata_url,
        }
        lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in values.items())]
        return "\n".join(lines) + "\n"

    def paths_requested(self) -> list[str]:
        with self._lock:
            return [path for _, path in self.requests]

    def forget_requests(self) -> None:
        """Empty the request log (a provider shared by several tests, each counting its own)."""
        with self._lock:
            self.requests.clear()

    # -- the endpoints ---------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        issuer = self.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "email",
                "email_verified",
                "name",
            ],
        }

    def jwks(self) -> dict[str, Any]:
        assert self._key is not None
        return {"keys": [self._key.as_dict(private=False)]}

    def _redirect_allowed(self, redirect_uri: str) -> bool:
        if self.redirect_uris:
            return redirect_uri in self.redirect_uris
        parts = urlsplit(redirect_uri)
        return parts.scheme == "http" and parts.hostname in {"127.0.0.1", "localhost"}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Returns (status, headers, body): a 302 back to the client, or a 400 page."""
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id:
            return _page(400, "unknown client_id")
        if not redirect_uri or not self._redirect_allowed(redirect_uri):
            return _page(400, f"redirect_uri not allowed: {redirect_uri!r}")
        state = query.get("state")

        def back(params: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
            if state is not None:
                params["state"] = state
            return 302, {"Location": _add_query(redirect_uri, params)}, b""

        if query.get("response_type") != "code":
            return back({"error": "unsupported_response_type"})
        scope = query.get("scope", "")
        if "openid" not in scope.split():
            return back({"error": "invalid_scope", "error_description": "openid is required"})
        method = query.get("code_challenge_method")
        challenge = query.get("code_challenge")
        if challenge and (method or "plain") != "S256":
            return back({"error": "invalid_request", "error_description": "only S256 PKCE"})
        code = secrets.token_urlsafe(24)
        grant = _Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            nonce=query.get("nonce"),
            code_challenge=challenge,
            code_challenge_method=method if challenge else None,
            scope=scope,
            claims=self.identity.claims(),
            expires_at=time.time() + CODE_LIFETIME_S,
        )
        with self._lock:
            self._codes[code] = grant
        return back({"code": code})

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        """Returns (status, JSON body) for the token endpoint."""
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:]).decode()
                basic_id, _, basic_secret = decoded.partition(":")
            except ValueError:
                return 401, {"error": "invalid_client"}
            # RFC 6749 §2.3.1: id and secret are form-urlencoded inside Basic.
            client_id = parse_qs(f"x={basic_id}")["x"][0] if basic_id else ""
            client_secret = parse_qs(f"x={basic_secret}")["x"][0] if basic_secret else ""
        if client_id != self.client_id or not secrets.compare_digest(
            client_secret or "", self.client_secret
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # single use
        if grant is None or grant.expires_at < time.time():
            return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}
        if grant.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "code of another client"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
            expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if not verifier or not secrets.compare_digest(expected, grant.code_challenge):
                return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}

        now = int(time.time())
        access_token = secrets.token_urlsafe(32)
        claims = {
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "auth_time": now,
            "exp": now + TOKEN_LIFETIME_S,
            **grant.claims,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        assert self._key is not None
        id_token = jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, self._key)
        with self._lock:
            self._access_tokens[access_token] = (grant.claims, now + TOKEN_LIFETIME_S)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_S,
            "scope": grant.scope,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str | None) -> tuple[int, dict[str, Any]]:
        if not authorization or not authorization.lower().startswith("bearer "):
            return 401, {"error": "invalid_token"}
        with self._lock:
            found = self._access_tokens.get(authorization[7:].strip())
        if found is None or found[1] < time.time():
            return 401, {"error": "invalid_token"}
        return 200, dict(found[0])

    def logout(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        target = query.get("post_logout_redirect_uri")
        if target and self._redirect_allowed(target):
            params = {"state": query["state"]} if "state" in query else {}
            return 302, {"Location": _add_query(target, params)}, b""
        return _page(200, "signed out")


def _add_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


def _page(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {key: items[0] for key, items in values.items() if items}


def _handler_for(provider: OidcProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: requests are recorded in provider.requests instead

        def _record(self) -> tuple[str, dict[str, str]]:
            parts = urlsplit(self.path)
            with provider._lock:
                provider.requests.append((self.command, parts.path))
            return parts.path, _single(parse_qs(parts.query))

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())

        def do_GET(self) -> None:
            path, query = self._record()
            if path == "/.well-known/openid-configuration":
                self._json(200, provider.metadata())
            elif path == "/jwks":
                self._json(200, provider.jwks())
            elif path == "/authorize":
                self._send(*provider.authorize(query))
            elif path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization")))
            elif path == "/logout":
                self._send(*provider.logout(query))
            else:
                self._send(*_page(404, "not found"))

        def do_POST(self) -> None:
            path, _ = self._record()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
            if path == "/token":
                form = _single(parse_qs(body))
                self._json(*provider.token(form, self.headers.get("Authorization")))
            elif path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization")))
            else:
                self._send(*_page(404, "not found"))

    return Handler
