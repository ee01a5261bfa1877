"""What keeps the workbench safe on a shared machine or network.

- **Host check**: bound to the loopback address, only requests naming a
  loopback host are answered (a web page elsewhere cannot reach the server
  through a DNS name that resolves to 127.0.0.1).
- **Cross-origin protection** on every unsafe method, without tokens
  (datasette's ``CrossOriginProtectionMiddleware``): a browser's request
  passes only with ``Sec-Fetch-Site: same-origin|none`` or an ``Origin``
  equal to the server's own; a request with neither header comes from a
  script, not from a page, and passes.
- **Sign-in** when a password is set (required off loopback): a session
  cookie signed with a key made at start (HMAC-SHA256, ``HttpOnly``,
  ``SameSite=Strict``); scripts may send the password as HTTP Basic instead.
- **Upload limits**: a request body larger than the limit is refused with
  413 before it is read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

SESSION_COOKIE = "analyzer_session"
SESSION_HOURS = 12
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_PATHS = ("/login", "/static/")


@dataclass(frozen=True)
class Limits:
    """How much one upload request may carry."""

    max_file_mb: float = 100
    max_files: int = 500
    max_request_mb: float = 1024

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * 1024 * 1024)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Auth:
    """The password and the signed session cookie."""

    def __init__(self, password: str):
        self._digest = hashlib.sha256(password.encode("utf-8")).digest()
        self._key = secrets.token_bytes(32)

    def check_password(self, given: str) -> bool:
        return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).digest(), self._digest)

    def new_session(self) -> str:
        issued = str(int(time.time()))
        return f"{issued}.{self._sign(issued)}"

    def valid_session(self, token: str | None) -> bool:
        if not token or "." not in token:
            return False
        issued, sig = token.split(".", 1)
        if not issued.isdigit() or not hmac.compare_digest(sig, self._sign(issued)):
            return False
        return time.time() - int(issued) < SESSION_HOURS * 3600

    def signed_in(self, request: Request) -> bool:
        if self.valid_session(request.cookies.get(SESSION_COOKIE)):
            return True
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                _, _, given = base64.b64decode(header[6:]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
            return self.check_password(given)
        return False

    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode("ascii"), hashlib.sha256).hexdigest()


def wants_json(request: Request) -> bool:
    """The JSON interface and downloads answer errors as JSON; pages answer with a page."""
    path = request.url.path
    return path.startswith("/api/") or "text/html" not in request.headers.get("accept", "")


def error(status: int, message: str) -> JSONResponse:
    """The one error shape of the JSON interface."""
    return JSONResponse({"error": message}, status_code=status)


def cross_origin_refusal(request: Request) -> str | None:
    """Why an unsafe request from another site is refused, or None when it may pass."""
    if request.method not in UNSAFE:
        return None
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return None if site in ("same-origin", "none") else f"跨站请求已被拒绝（Sec-Fetch-Site: {site}）"
    origin = request.headers.get("origin")
    if origin is None:
        return None  # no browser sent it
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return None if origin == own else "跨站请求已被拒绝（来源与本站不一致）"


def host_refusal(request: Request, allowed: set[str] | None) -> str | None:
    if not allowed:
        return None
    host = request.headers.get("host", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return None if name.strip("[]") in allowed else "主机名不被接受，请通过 127.0.0.1 访问"


def body_too_large(request: Request, limits: Limits) -> bool:
    length = request.headers.get("content-length")
    return length is not None and length.isdigit() and int(length) > limits.max_request_bytes


def install(app, *, auth: Auth | None, limits: Limits, allowed_hosts: set[str] | None) -> None:
    """Add the checks above to the app, in order: host, origin, sign-in, body size."""

    @app.middleware("http")
    async def guard(request: Request, call_next) -> Response:
        reason = host_refusal(request, allowed_hosts)
        if reason:
            return error(400, reason)
        reason = cross_origin_refusal(request)
        if reason:
            return error(403, reason)
        path = request.url.path
        if auth is not None and not path.startswith(OPEN_PATHS) and not auth.signed_in(request):
            if wants_json(request) or request.method in UNSAFE:
                return error(401, "请先登录")
            return RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)
        if request.method in UNSAFE and body_too_large(request, limits):
            return error(413, f"上传内容过大（单次上限 {limits.max_request_mb:g} MB）")
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        )
        return response
