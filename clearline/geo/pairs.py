"""Which pairs of moving objects can come close within a horizon: the pruning step that keeps
tactical alerting from looking at every pair.

Each object's straight-line path over the horizon is boxed and the box grown by half the
margin on every side; two objects can come within the margin only if their boxes overlap, so
no pair that could lose separation is ever left out. Boxes go through a shapely STRtree in one
bulk query, and the vertical and party tests run on numpy arrays.
"""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray

Pairs = tuple[NDArray[np.intp], NDArray[np.intp]]


def candidates(
    position: NDArray[np.float64],
    velocity: NDArray[np.float64],
    group: NDArray[np.int64],
    horizon_s: float,
    horizontal_m: float,
    vertical_m: float,
) -> Pairs:
    """Pairs ``(i, j)``, ``i < j``, of objects of different groups (parties) whose paths over
    the next ``horizon_s`` can come within ``horizontal_m`` and ``vertical_m`` of each other.

    ``position`` and ``velocity`` are ``(n, 3)`` arrays in metres and metres per second.
    """
    if len(position) < 2:
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    low, high = _swept(position, velocity, horizon_s)
    half = np.array([horizontal_m, horizontal_m, vertical_m]) / 2
    low, high = low - half, high + half
    boxes = shapely.box(low[:, 0], low[:, 1], high[:, 0], high[:, 1])
    i, j = shapely.STRtree(boxes).query(boxes)
    keep = (i < j) & (group[i] != group[j])
    i, j = i[keep], j[keep]
    overlap = (low[i, 2] <= high[j, 2]) & (low[j, 2] <= high[i, 2])
    return i[overlap], j[overlap]


def _swept(
    position: NDArray[np.float64], velocity: NDArray[np.float64], horizon_s: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    end = position + velocity * horizon_s
    return np.minimum(position, end), np.maximum(position, end)
