"""A party's people, administered by its liaison officer over the line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from clearline.api.auth import CurrentRuntime, CurrentUser, forget
from clearline.api.schemas import as_json
from clearline.model.user import PasswordReset, User, UserChange, UserRequest
from clearline.services.access import accounts, second_factor

router = APIRouter(prefix="/v1/users", tags=["users"])
UserName = Annotated[str, Path(min_length=1, max_length=100)]


class UserList(BaseModel):
    users: list[User]


@router.get("", response_model=UserList)
async def people(user: CurrentUser, rt: CurrentRuntime) -> UserList:
    """Your party's users (liaison officers)."""
    return UserList(users=await rt.read(lambda c: accounts.people(c, user)))


@router.post("", status_code=201, response_model=User)
async def enrol(request: UserRequest, user: CurrentUser, rt: CurrentRuntime) -> Response:
    """Add a user to your party (liaison officers), e.g. `{"name": "il-duty-2", "role":
    "duty_officer", "language": "he", "password": "..."}`; a system account takes no
    password: it uses tokens."""
    now = rt.clock.now()
    return as_json(await rt.write(lambda c: accounts.enrol(c, user, request, now)), 201)


@router.patch("/{name}", response_model=User)
async def change(
    name: UserName, request: UserChange, user: CurrentUser, rt: CurrentRuntime
) -> User:
    """Change a user of your party: `{"role"}`, `{"language"}`, or `{"active": false}`, which
    stops its sign-ins, tokens and open streams at once."""
    now = rt.clock.now()
    changed = await rt.write(lambda c: accounts.change(c, user, name, request, now))
    forget(rt, lambda _, found: found.user.id == changed.id)
    return changed


@router.put("/{name}/password", response_model=User)
async def reset_password(
    name: UserName, request: PasswordReset, user: CurrentUser, rt: CurrentRuntime
) -> User:
    """Set a new console password for a user of your party."""
    now = rt.clock.now()
    return await rt.write(lambda c: accounts.reset_password(c, user, name, request.password, now))


@router.delete("/{name}/second-factor", response_model=User)
async def remove_second_factor(name: UserName, user: CurrentUser, rt: CurrentRuntime) -> User:
    """Take a user's second factor away (liaison officers, for a user of your party whose
    phone is lost): it signs in with its password alone until it enrols a new one."""
    now = rt.clock.now()
    changed = await rt.write(lambda c: second_factor.remove(c, user, name, now))
    forget(rt, lambda _, found: found.user.id == changed.id)
    return changed
