"""The ledger: signed heads, proofs and entries, for any party to check the record itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser
from clearline.model.fields import MAX_ID
from clearline.model.ledger import TreeHead
from clearline.services.record import ledger, signing

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])
MAX_ENTRIES = 1_000
Size = Annotated[int, Query(ge=0, le=MAX_ID)]


class LedgerHead(BaseModel):
    tree_head: TreeHead
    public_key: str


class Proof(BaseModel):
    proof: list[str]


class Entries(BaseModel):
    entries: list[ledger.Entry | ledger.Leaf]


@router.get("/head", response_model=LedgerHead)
async def head(_user: CurrentUser, rt: CurrentRuntime) -> LedgerHead:
    """The newest signed tree head, with the public key that signed it."""
    latest = await rt.read(ledger.head)
    return LedgerHead(tree_head=latest, public_key=signing.public_text(rt.key))


@router.get("/proof/inclusion", response_model=Proof)
async def inclusion(index: Size, size: Size, _user: CurrentUser, rt: CurrentRuntime) -> Proof:
    """The audit path proving entry `index` is in the tree of `size` entries (RFC 9162 2.1.3)."""
    return Proof(proof=await rt.read(lambda c: ledger.inclusion(c, index, size)))


@router.get("/proof/consistency", response_model=Proof)
async def consistency(
    first: Annotated[int, Query(alias="from", ge=0, le=MAX_ID)],
    second: Annotated[int, Query(alias="to", ge=0, le=MAX_ID)],
    _user: CurrentUser,
    rt: CurrentRuntime,
) -> Proof:
    """Proof that the tree of `to` entries extends the tree of `from` (RFC 9162 2.1.4)."""
    return Proof(proof=await rt.read(lambda c: ledger.consistency(c, first, second)))


@router.get("/entries", response_model=Entries)
async def entries(start: Size, end: Size, user: CurrentUser, rt: CurrentRuntime) -> Entries:
    """Entries `start <= index < end` (at most 1,000): those your party may read whole, with
    envelope, payload and salt; every other one as `{index, leaf_hash}` alone, which is all a
    proof or a head needs. A mediator gets every entry as its leaf: its reads are figures."""
    end = min(end, start + MAX_ENTRIES)
    return Entries(entries=await rt.read(lambda c: ledger.entries(c, user.party, start, end)))
