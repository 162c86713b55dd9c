"""API tokens over the line: issued with a label, a scope and an expiry, listed, revoked."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from clearline.api.auth import CurrentAccount, CurrentCredential, CurrentRuntime, forget
from clearline.api.schemas import as_json
from clearline.model.token import TOKEN_ID_LENGTH, Issued, Token, TokenRequest
from clearline.services.access import tokens

router = APIRouter(prefix="/v1/tokens", tags=["tokens"])
TokenId = Annotated[str, Path(pattern=f"^[0-9a-f]{{{TOKEN_ID_LENGTH}}}$")]


class TokenList(BaseModel):
    tokens: list[Token]


@router.post("", status_code=201, response_model=Issued)
async def issue(request: TokenRequest, found: CurrentCredential, rt: CurrentRuntime) -> Response:
    """Issue a token, e.g. `{"label": "radar feed", "scope": "tracks", "expires_at":
    "2027-01-01T00:00:00Z", "user": "il-system"}`: for yourself, or (a liaison officer) for
    a user of your party. The answer holds the secret, the only time the line shows it. A
    token that expires issues none that outlives it."""
    now = rt.clock.now()
    issued = await rt.write(lambda c: tokens.issue(c, found, request, now))
    return as_json(issued, 201)


@router.get("", response_model=TokenList)
async def listed(user: CurrentAccount, rt: CurrentRuntime) -> TokenList:
    """Your tokens; a liaison officer's, every token of its party's users. Never a secret."""
    return TokenList(tokens=await rt.read(lambda c: tokens.listed(c, user)))


@router.delete("/{token_id}", response_model=Token)
async def revoke(token_id: TokenId, user: CurrentAccount, rt: CurrentRuntime) -> Token:
    """Revoke a token at once: refused from the next request on, its open stream closed."""
    now = rt.clock.now()
    revoked = await rt.write(lambda c: tokens.revoke(c, user, token_id, now))
    forget(rt, lambda key, _: key.startswith(token_id))
    return revoked
