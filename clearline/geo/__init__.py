"""Geometry in metres: projections, grid references, volumes and the in-memory conflict index.

Nothing here reads the store or the clock: it takes records from ``model`` and numbers, and
answers with shapely geometries and numpy arrays.
"""
