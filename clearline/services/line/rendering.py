"""Structured messages in the reader's language, from one gettext catalogue per language.

Free text is never translated: it is shown as written and marked untranslated, so a reader
knows which words the system vouches for and which a person on the other side typed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from pydantic import BaseModel

from clearline.model.message import (
    BODY_MODELS,
    DeliveryState,
    Message,
    MessageType,
    Point,
    Precedence,
)
from clearline.model.times import both
from clearline.model.user import Language, Role

LOCALES = Path(__file__).resolve().parents[2] / "locales"
RIGHT_TO_LEFT = frozenset({Language.HE})
OPTIONAL_FIELDS = ("valid_until", "until", "altitude_ft", "conditions", "late_s", "by_party")
"""Body fields that appear only when given, each rendered by its own ``field.*`` entry."""


class Rendering(BaseModel):
    language: Language
    direction: str
    precedence: str
    title: str
    text: str
    free_text: str | None
    free_text_label: str | None


@cache
def catalogue(language: Language) -> Catalog:
    with (LOCALES / f"{language}.po").open("rb") as po:
        return read_po(po, locale=str(language))


def translate(language: Language, key: str, **values: Any) -> str:
    entry = catalogue(language).get(key)
    if entry is None or not entry.string:
        raise KeyError(f"{key!r} is missing from the {language} catalogue")
    return str(entry.string).format(**values)


def render(message: Message, language: Language) -> Rendering:
    body = BODY_MODELS[message.type].model_validate(message.body)
    values = dict(_value(language, name, value) for name, value in body)
    text = translate(language, f"type.{message.type}.text", **values)
    extras = [
        translate(language, f"field.{name}", **{name: values[name]})
        for name in OPTIONAL_FIELDS
        if getattr(body, name, None) is not None
    ]
    return Rendering(
        language=language,
        direction="rtl" if language in RIGHT_TO_LEFT else "ltr",
        precedence=translate(language, f"precedence.{message.precedence}"),
        title=translate(language, f"type.{message.type}.title"),
        text="; ".join([text, *extras]),
        free_text=message.free_text,
        free_text_label=translate(language, "label.untranslated") if message.free_text else None,
    )


def _value(language: Language, name: str, value: Any) -> tuple[str, str]:
    """A body field as the template names it, in the reader's language and number format."""
    if name == "radius_m":
        km = format_decimal(value / 1000, format="#,##0.#", locale=str(language))
        return "radius_km", km
    if name == "late_s" and value is not None:
        return name, format_decimal(value / 60, format="#,##0.#", locale=str(language))
    if value is None:  # withheld: e.g. a place of a conflict not seen by both sides
        return name, translate(language, "label.withheld")
    if isinstance(value, StrEnum):
        return name, translate(language, f"{_enum_key(type(value))}.{value}")
    if isinstance(value, Point):
        return name, _point(value)
    if isinstance(value, datetime):
        return name, both(value)
    if isinstance(value, list):
        return name, ", ".join(str(v) for v in value)
    return name, str(value)


def _point(point: Point) -> str:
    ns = "N" if point.lat >= 0 else "S"
    ew = "E" if point.lon >= 0 else "W"
    return f"{abs(point.lat):.4f}°{ns} {abs(point.lon):.4f}°{ew}"


def _enum_key(enum: type[StrEnum]) -> str:
    """``IdentificationAnswer`` is catalogued under ``identification_answer``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in enum.__name__).lstrip("_")


def catalogue_keys() -> set[str]:
    """Every key the line can ask for: the completeness test checks all three catalogues."""
    keys = {f"precedence.{p}" for p in Precedence}
    keys |= {f"type.{t}.{part}" for t in MessageType for part in ("title", "text")}
    keys |= {f"field.{name}" for name in OPTIONAL_FIELDS}
    keys |= {f"role.{r}" for r in Role}
    keys |= {f"state.{s}" for s in (*DeliveryState, "escalated", "overdue")}
    keys |= {"escalation.escalated", "escalation.overdue", "label.untranslated", "label.from_line"}
    keys |= {"label.withheld"}
    for model in BODY_MODELS.values():
        for field in model.model_fields.values():
            enum = field.annotation
            if isinstance(enum, type) and issubclass(enum, StrEnum):
                keys |= {f"{_enum_key(enum)}.{v}" for v in enum}
    return keys
