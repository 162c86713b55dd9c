"""Registering a party's paging webhook: its own watch alone, on the record for that party
alone, and never with its secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from clearline.clock import FixedClock
from clearline.model.errors import ClearlineError, ErrorKind
from clearline.model.user import User
from clearline.model.webhook import WebhookIn
from clearline.services.paging import webhooks
from clearline.store import webhooks as webhook_store
from clearline.store.writer import run_now
from tests.support.helpers import events_of

SECRET = "tr-paging-secret-0123456789abcdefghij"
HOOK = WebhookIn.model_validate({"url": "https://paging.tr.example/line", "secret": SECRET})


def test_a_registration_is_on_the_record_for_its_own_party_alone(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    officer = users["tr-watch-commander"]
    found, created = run_now(engine, lambda c: webhooks.register(c, officer, HOOK, clock.now()))
    assert created and found.party == "TR" and found.updated_by == officer.id
    _again, created = run_now(engine, lambda c: webhooks.register(c, officer, HOOK, clock.now()))
    assert not created
    first, second = events_of(engine, "TR", "webhook.registered")
    assert (first.payload["replaced"], second.payload["replaced"]) == (False, True)
    assert first.audience == ("TR",)
    assert SECRET not in first.model_dump_json()
    assert events_of(engine, "IL", "webhook.registered") == []
    assert events_of(engine, "AZ", "webhook.registered") == []
    secret = run_now(engine, lambda c: webhook_store.secret_of(c, found.agreement_id, "TR"))
    assert secret == SECRET


def test_a_deletion_is_on_the_record_and_leaves_no_webhook(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    officer = users["tr-duty-officer"]
    run_now(engine, lambda c: webhooks.register(c, officer, HOOK, clock.now()))
    run_now(engine, lambda c: webhooks.delete(c, officer, clock.now()))
    (deleted,) = events_of(engine, "TR", "webhook.deleted")
    assert deleted.payload["webhook"]["url"] == HOOK.url
    with pytest.raises(ClearlineError) as refused:
        run_now(engine, lambda c: webhooks.webhook_for(c, officer))
    assert (refused.value.kind, refused.value.field) == (ErrorKind.NOT_FOUND, "webhook")


@pytest.mark.parametrize("name", ["tr-system", "tr-auditor"])
def test_only_the_watch_sets_a_webhook(
    engine: Engine, users: dict[str, User], clock: FixedClock, name: str
) -> None:
    with pytest.raises(ClearlineError) as refused:
        run_now(engine, lambda c: webhooks.register(c, users[name], HOOK, clock.now()))
    assert (refused.value.kind, refused.value.field) == (ErrorKind.FORBIDDEN, "role")


def test_another_partys_webhook_is_never_yours_to_set(
    engine: Engine, users: dict[str, User], clock: FixedClock
) -> None:
    officer = users["tr-liaison-officer"]
    with pytest.raises(ClearlineError) as refused:
        run_now(engine, lambda c: webhooks.register(c, officer, HOOK, clock.now(), party="IL"))
    assert (refused.value.kind, refused.value.field) == (ErrorKind.FORBIDDEN, "party")


@pytest.mark.parametrize(
    ("url", "secret", "field"),
    [
        ("ftp://paging.tr.example/line", SECRET, "url"),
        ("https:///no-host", SECRET, "url"),
        ("https://paging.tr.example/line", "x" * 31, "secret"),
    ],
)
def test_a_webhook_needs_an_http_url_and_a_long_secret(url: str, secret: str, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        WebhookIn.model_validate({"url": url, "secret": secret})
    assert refused.value.errors()[0]["loc"] == (field,)
