"""CSV files that a German Excel opens correctly and safely.

German Excel expects semicolons between cells and a decimal comma, and only recognises
UTF-8 (umlauts!) when the file starts with a byte-order mark. A cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula ("CSV
injection", OWASP), so such text cells get a leading apostrophe: Excel then shows the
text as typed. Numbers stay numbers (``-2`` in a number column is not touched).
"""

from __future__ import annotations

import pandas as pd

from journeys.i18n import t

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that starts like a formula, with an apostrophe in front; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _neutralise_text(column: pd.Series) -> pd.Series:
    """Formula-like text cells neutralised, yes/no in German; numbers and dates as they are."""
    if pd.api.types.is_bool_dtype(column):
        return column.map({True: t("common.yes"), False: t("common.no")})
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column
    return column.map(neutralise)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """The table as CSV for German Excel: ``;``, decimal comma, UTF-8 with BOM, CRLF.

    Text cells (and column or index names) that look like formulas are neutralised. The
    index is written only when it carries information (not the default 0, 1, 2 …), e.g.
    the category names of the co-occurrence matrix.
    """
    out = df.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        out[column] = _neutralise_text(out[column])
    # A sorted or filtered frame keeps its old row numbers: those are no information.
    with_index = out.index.name is not None or not pd.api.types.is_integer_dtype(out.index)
    if with_index:
        out.index = out.index.map(neutralise)
        out.index.name = neutralise(out.index.name) if out.index.name is not None else None
    text = out.to_csv(sep=";", decimal=",", index=with_index, lineterminator="\r\n")
    return text.encode("utf-8-sig")
