"""Who is asking: a bearer token names one user of one party, or one of the installation's
operators, who set agreements up and read no party's records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from clearline.model.errors import ClearlineError, forbidden, unauthenticated
from clearline.model.token import Credential, TokenScope
from clearline.model.user import Role, User
from clearline.runtime.node import Runtime
from clearline.services.access import tokens

TRACKS_PATH = "/v1/tracks"
TOKEN_MEMORY = timedelta(seconds=1)
"""How long a node trusts a token it looked up without looking again: a revoked token is
refused within this on every node."""
SESSION_COOKIE = "clearline_session"
"""The console's sign-in: a token like a machine's, kept by the browser in an HttpOnly cookie."""
bearer = HTTPBearer(auto_error=False, description="A token from `clearline token issue`.")


def runtime_of(connection: HTTPConnection) -> Runtime:
    return connection.app.state.runtime  # type: ignore[no-any-return]


async def runtime(request: Request) -> Runtime:
    """The running line (async: FastAPI would run a plain function in a worker thread)."""
    return runtime_of(request)


async def authenticate(rt: Runtime, token: str | None) -> Credential:
    """Who a token speaks for, and with what token, remembered for a moment so that a busy
    client costs one database read a second; an expired token is refused even then."""
    if not token:
        raise _unauthenticated()
    key, now = tokens.hash_token(token), rt.clock.now()
    remembered = rt.tokens.get(key)
    if remembered is not None and now - remembered[1] < TOKEN_MEMORY:
        if remembered[0].token.works_at(now):
            return remembered[0]
        raise _unauthenticated()
    found = await rt.read(lambda c: tokens.authenticate(c, token, now))
    if found is None:
        rt.tokens.pop(key, None)
        raise _unauthenticated()
    rt.tokens[key] = (found, now)
    return found


def forget(rt: Runtime, which: Callable[[str, Credential], bool]) -> None:
    """Drop the tokens this node remembers that ``which`` picks (by hash and credential), so
    that their next request is looked up again: after a revocation, a sign-out, or a change
    of their user."""
    for key in [k for k, (found, _) in rt.tokens.items() if which(k, found)]:
        del rt.tokens[key]


def in_scope(scope: TokenScope, method: str, path: str) -> None:
    """A read-only token reads; a tracks token reports tracks; nothing else."""
    if scope is TokenScope.READ and method not in ("GET", "HEAD"):
        raise forbidden("scope", f"a read-only token cannot {method} {path}")
    if scope is TokenScope.TRACKS and (method, path) != ("POST", TRACKS_PATH):
        raise forbidden("scope", f"a tracks token reports tracks only, not {method} {path}")


def _unauthenticated() -> ClearlineError:
    return unauthenticated(
        "Authorization", "a valid bearer token, or a console sign-in, is required"
    )


async def current_credential(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Credential:
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    found = await authenticate(runtime_of(request), token)
    in_scope(found.token.scope, request.method, request.url.path)
    return found


async def current_account(found: Annotated[Credential, Depends(current_credential)]) -> User:
    """Anyone signed in, an operator too: for what is about the account itself."""
    return found.user


def reads_records(user: User) -> None:
    """Refuses an operator what is a party's: it runs the installation, it is on no line."""
    if user.role is Role.OPERATOR:
        raise forbidden("role", "an operator runs the installation and reads no party's records")


async def current_user(user: Annotated[User, Depends(current_account)]) -> User:
    """A user of a party or of a mediator: whoever may read some agreement's records."""
    reads_records(user)
    return user


async def operator(user: Annotated[User, Depends(current_account)]) -> User:
    if user.role is not Role.OPERATOR:
        raise forbidden("role", "only an operator of the installation may do this")
    return user


async def party_user(user: Annotated[User, Depends(current_user)]) -> User:
    """A user of a party on the line: mediators see figures, never messages."""
    if user.role is Role.MEDIATOR:
        raise forbidden("role", "a mediator sees figures per line, never messages")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
CurrentAccount = Annotated[User, Depends(current_account)]
Operator = Annotated[User, Depends(operator)]
CurrentCredential = Annotated[Credential, Depends(current_credential)]
"""The user and the token a request came with: for what depends on the token itself."""
PartyUser = Annotated[User, Depends(party_user)]
CurrentRuntime = Annotated[Runtime, Depends(runtime)]
