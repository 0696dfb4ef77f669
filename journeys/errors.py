"""Errors a user can meet, each with a German message that says what to do.

Validation errors from pydantic are translated here, naming the field in the words the
form uses, so that a coach never sees ``string_pattern_mismatch``.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from journeys.i18n import has, t


class ZugangsatlasError(Exception):
    """Base for errors whose message is meant for the user."""


class NotFoundError(ZugangsatlasError):
    """The record does not exist (any more)."""


class ConflictError(ZugangsatlasError):
    """Someone else saved the same record in the meantime (optimistic concurrency)."""


class InputError(ZugangsatlasError):
    """The input cannot be used as it is (an empty name, an unreadable file)."""


class InUseError(ZugangsatlasError):
    """The record is still referenced and cannot be deleted; retire it instead."""


def field_label(loc: tuple[int | str, ...]) -> str:
    """The German name of the field at ``loc``, e.g. ``("members", 0, "age_band")``.

    List positions become "Nr. 1" so the user knows which row is meant.
    """
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(t("errors.row", n=item + 1))
        elif has(f"fields.{item}"):
            parts.append(t(f"fields.{item}"))
        elif not item.startswith("function-"):
            parts.append(str(item))
    return " › ".join(parts) or t("errors.whole_record")


def _german(value: str | int | float) -> str | int | float:
    """Whole numbers as German readers write them: 2.000, not 2000."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
        return f"{value:_}".replace("_", ".")
    return value


def _message(error: dict) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        # Our own validators already speak German.
        return str(ctx.get("error", error["msg"]))
    key = f"errors.pydantic.{kind}"
    if has(key):
        values = {k: _german(v) for k, v in ctx.items() if isinstance(v, str | int | float)}
        if isinstance(values.get("expected"), str):
            values["expected"] = str(values["expected"]).replace(" or ", " oder ")
        return t(key, **values)
    return t("errors.pydantic.generic")


def german_reason(error: ErrorDetails) -> str:
    """What is wrong with one pydantic error, in German, without naming the field.

    For callers that name the place themselves, such as an import naming family and step.
    """
    return _message(dict(error))


def german_messages(exc: ValidationError) -> list[str]:
    """One German line per problem: ``Feld: was nicht stimmt``."""
    return [f"{field_label(tuple(e['loc']))}: {_message(e)}" for e in exc.errors()]
