"""Severity: how bad a clash the screening found is, one rule for every source.

A score is the sum of
- the kinds involved: 3 if any is kinetic or air defence (air strike, artillery fire,
  air-defence deployment), else 2 if any is a movement (air or joint patrol, UAV flight, ground
  movement), else 1 (emission, exercise); a declared position counts as kinetic;
- 1 if the volumes actually overlap in all four dimensions, not merely come within the minima;
- 1 if the clash starts soon (the protocol's ``urgency.soon_s``, an hour by default), and 1
  more if it is imminent (``urgency.imminent_s``, 15 minutes) or has started;
- 1 if a notice involved was filed late.
1–2 is low, 3 medium, 4–5 high, 6–7 critical; a zone's rule sets a floor on the severity.
"""

from __future__ import annotations

from datetime import datetime

from clearline.model import times
from clearline.model.conflict import ConflictSource
from clearline.model.notice import STRIKE_KINDS, ActivityKind
from clearline.model.protocol import Urgency
from clearline.model.zone import Severity
from clearline.services.deconfliction.screening import Found

MOVEMENT = frozenset(
    {
        ActivityKind.AIR_PATROL,
        ActivityKind.JOINT_PATROL,
        ActivityKind.UAV_FLIGHT,
        ActivityKind.GROUND_MOVEMENT,
    }
)


def severity(found: Found, now: datetime, urgency: Urgency) -> Severity:
    """The documented rule (see the module's docstring)."""
    kinds = found.b.kinds
    if kinds & STRIKE_KINDS or found.b.source is ConflictSource.POSITION:
        score = 3
    elif kinds & MOVEMENT:
        score = 2
    else:
        score = 1
    starts_in = found.start - times.epoch(now)
    soon, imminent = starts_in <= urgency.soon_s, starts_in <= urgency.imminent_s
    score += found.overlap + soon + imminent + (found.b.late_s > 0)
    if score >= 6:
        ranked = Severity.CRITICAL
    elif score >= 4:
        ranked = Severity.HIGH
    else:
        ranked = Severity.MEDIUM if score == 3 else Severity.LOW
    return max(ranked, found.b.floor, key=lambda s: s.rank)
