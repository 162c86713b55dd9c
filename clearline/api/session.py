"""The console's sign-in: a name and password in, a session cookie out; and the signed-in
user's language. Machines keep using bearer tokens and never need any of this."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from clearline.api.auth import SESSION_COOKIE, CurrentAccount, CurrentRuntime, forget
from clearline.model.user import Language, User
from clearline.services.access import accounts, second_factor, throttle, tokens
from clearline.services.access.second_factor import Enrolment

router = APIRouter(prefix="/v1", tags=["auth"])

SESSION_S = 12 * 3_600
"""A sign-in lasts a watch: twelve hours."""


class SignIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    code: str | None = Field(
        default=None,
        pattern=r"^[0-9]{6}$",
        description="The code of your authenticator, where you have a second factor.",
    )


class Code(BaseModel):
    code: str = Field(pattern=r"^[0-9]{6}$")


class Me(BaseModel):
    user: User


class LanguageChoice(BaseModel):
    language: Language


@router.post("/session", response_model=Me)
async def sign_in(request: SignIn, incoming: Request, rt: CurrentRuntime) -> Response:
    """Sign in to the console; the answer sets an HttpOnly, SameSite=Strict, Secure cookie.
    With a second factor, `code` too (401 `code` without it or for a wrong one); past a few
    failures for a name or from an address, 429 with ``Retry-After``."""
    now = rt.clock.now()
    address = incoming.client.host if incoming.client else "unknown"
    await rt.write(lambda c: throttle.attempt(c, request.name, address, now))
    user = await rt.read(lambda c: accounts.check_password(c, request.name, request.password))

    def start(connection: Connection) -> str:
        second_factor.check(connection, user, request.code, now)
        throttle.succeeded(connection, request.name)
        ends = now + timedelta(seconds=SESSION_S)
        return tokens.create(connection, user.name, _label(now), now, expires_at=ends)

    token = await rt.write(start)
    answer = JSONResponse(Me(user=user).model_dump(mode="json"))
    answer.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_S,
        httponly=True,
        secure=True,
        samesite="strict",
        path="/",
    )
    return answer


@router.delete("/session", status_code=204)
async def sign_out(request: Request, rt: CurrentRuntime) -> Response:
    """Sign out: the session's token is deleted, not just forgotten by the browser."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await rt.write(lambda c: tokens.end_session(c, token))
        signed_out = tokens.hash_token(token)
        forget(rt, lambda key, _: key == signed_out)
    answer = Response(status_code=204)
    answer.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return answer


@router.get("/me", response_model=Me)
async def me(user: CurrentAccount) -> Me:
    """Who your token or sign-in speaks for."""
    return Me(user=user)


@router.put("/me/language", response_model=Me)
async def choose_language(choice: LanguageChoice, user: CurrentAccount, rt: CurrentRuntime) -> Me:
    """The language the console and structured messages are shown in, remembered."""
    changed = await rt.write(lambda c: accounts.set_language(c, user, choice.language))
    forget(rt, lambda _, found: found.user.id == changed.id)
    return Me(user=changed)


@router.post("/me/second-factor", status_code=201, response_model=Enrolment)
async def enrol(user: CurrentAccount, rt: CurrentRuntime) -> Enrolment:
    """Begin a second factor for your console sign-in: a TOTP secret and its otpauth:// URI,
    shown this once, for your authenticator; it is in force once you confirm a code of it.
    409 where you have one already."""
    return await rt.write(lambda c: second_factor.begin(c, user))


@router.put("/me/second-factor", response_model=Me)
async def confirm(body: Code, user: CurrentAccount, rt: CurrentRuntime) -> Me:
    """Confirm the secret with a code from your authenticator (`{"code": "123456"}`): from
    the next sign-in, the console asks for a code as well."""
    now = rt.clock.now()
    changed = await rt.write(lambda c: second_factor.confirm(c, user, body.code, now))
    forget(rt, lambda _, found: found.user.id == changed.id)
    return Me(user=changed)


def _label(now: datetime) -> str:
    return f"console sign-in {now:%Y-%m-%dT%H:%MZ}"
