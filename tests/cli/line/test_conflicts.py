"""`clearline conflicts list|ack|accept` against a real server."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from clearline.model.times import dtg
from tests.support.cli import demo_server, file_at, open_conflicts, refused, rows, run_as, said
from tests.support.server import Api

DEIR_EZ_ZOR = (40.14, 35.33)


line = pytest.fixture(scope="module")(demo_server)


@pytest.mark.slow
def test_conflicts_list_ack_and_accept(line: Api) -> None:
    il_id = file_at(line, "IL", DEIR_EZ_ZOR)
    tr_id = file_at(line, "TR", DEIR_EZ_ZOR)
    (conflict,) = [
        c
        for c in open_conflicts(line, "IL")
        if {c["a"]["notice_id"], c["b"]["notice_id"]} == {il_id, tr_id}
    ]
    number = str(conflict["id"])
    start = datetime.fromisoformat(conflict["window_start"])
    row = rows(said(run_as(line, "IL", "duty_officer", "conflicts list --state open")))[number]
    parties = "–".join(conflict["parties"])
    assert row[1:6] == [conflict["severity"], "volumes", parties, "open", dtg(start)]
    assert re.fullmatch(r"1 h \d\d min|\d+ min", row[6]), row[6]

    acked = said(run_as(line, "IL", "duty_officer", f"conflicts ack {number}"))
    assert acked == f"conflict {number}: open (acknowledged by IL)"
    acked = said(run_as(line, "TR", "watch_commander", f"conflicts ack {number}"))
    assert acked == f"conflict {number}: acknowledged (acknowledged by IL, TR)"

    accept = f"conflicts accept {number} --reason 'agreed by phone'"
    refused(run_as(line, "IL", "duty_officer", accept), "role")
    assert said(run_as(line, "IL", "liaison_officer", accept)) == f"conflict {number}: accepted"
    accepted = rows(said(run_as(line, "TR", "duty_officer", "conflicts list --state accepted")))
    assert accepted[number][4] == "accepted"
    refused(run_as(line, "IL", "liaison_officer", accept), "state")
    refused(run_as(line, "IL", "duty_officer", "conflicts ack 999999"), "id")
    for party, notice_id in (("IL", il_id), ("TR", tr_id)):
        said(run_as(line, party, "duty_officer", f"notice cancel {notice_id}"))
