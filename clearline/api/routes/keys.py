"""Your own signing keys: the public halves of the Ed25519 keys you sign amendments with."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.api.schemas import as_json
from clearline.model.proposal import KeyRequest, SigningKey
from clearline.services.protocol import keys

router = APIRouter(prefix="/v1/keys", tags=["protocol"])


class KeyList(BaseModel):
    keys: list[SigningKey]


@router.post("", status_code=201, response_model=SigningKey)
async def register(request: KeyRequest, user: CurrentUser, rt: CurrentRuntime) -> Response:
    """Register the public half of a key you made (`clearline protocol keygen`); liaison
    officers only. The line never sees, and so can never use, the private half."""
    now = rt.clock.now()
    found = await rt.write(lambda c: keys.register(c, user, request.public_key, now))
    return as_json(found, 201)


@router.get("", response_model=KeyList)
async def list_keys(user: CurrentUser, rt: CurrentRuntime) -> KeyList:
    return KeyList(keys=await rt.read(lambda c: keys.keys_of(c, user)))
