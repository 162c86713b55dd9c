"""Comparing a record with the rows it was built from: a field added to a table or a model in
one place only shows up as a column without a field, or a value that did not arrive."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel


def columns(table: sa.Table) -> set[str]:
    return {column.name for column in table.columns}


def differences(record: BaseModel, row: sa.Row[Any]) -> dict[str, tuple[Any, Any]]:
    """Each column of ``row`` that ``record`` has a field of the same name for and holds
    otherwise: the record's value and the row's."""
    fields = type(record).model_fields
    shared = (name for name in row._mapping if name in fields)
    return {
        name: (getattr(record, name), row._mapping[name])
        for name in shared
        if getattr(record, name) != row._mapping[name]
    }
