"""Who is asking: a bearer token names one user of one party."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from clearline.model.errors import ClearlineError, forbidden, unauthenticated
from clearline.model.user import Role, User
from clearline.runtime.node import Runtime
from clearline.services import accounts

TOKEN_MEMORY = timedelta(seconds=60)
SESSION_COOKIE = "clearline_session"
"""The console's sign-in: a token like a machine's, kept by the browser in an HttpOnly cookie."""
bearer = HTTPBearer(auto_error=False, description="A token from `clearline token create`.")


def runtime_of(connection: HTTPConnection) -> Runtime:
    return connection.app.state.runtime  # type: ignore[no-any-return]


async def runtime(request: Request) -> Runtime:
    """The running line (async: FastAPI would run a plain function in a worker thread)."""
    return runtime_of(request)


async def authenticate(rt: Runtime, token: str | None) -> User:
    """The user a token speaks for, remembered for a minute so that a busy client costs no
    database read per request (tokens cannot be revoked yet; revocation must clear this)."""
    if not token:
        raise _unauthenticated()
    key, now = accounts.hash_token(token), rt.clock.now()
    remembered = rt.tokens.get(key)
    if remembered is not None and now - remembered[1] < TOKEN_MEMORY:
        return remembered[0]
    user = await rt.read(lambda c: accounts.authenticate(c, token))
    if user is None:
        raise _unauthenticated()
    rt.tokens[key] = (user, now)
    return user


def _unauthenticated() -> ClearlineError:
    return unauthenticated(
        "Authorization", "a valid bearer token, or a console sign-in, is required"
    )


async def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    token = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    return await authenticate(runtime_of(request), token)


async def party_user(user: Annotated[User, Depends(current_user)]) -> User:
    """A user of a party on the line: mediators see figures, never messages."""
    if user.role is Role.MEDIATOR:
        raise forbidden("role", "a mediator sees figures per line, never messages")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
PartyUser = Annotated[User, Depends(party_user)]
CurrentRuntime = Annotated[Runtime, Depends(runtime)]
