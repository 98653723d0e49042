"""CSV cells that a spreadsheet reads as text, never as a formula.

Every CSV middlepower writes (the command line's ``--csv`` and the web API's
``?format=csv``) goes through :func:`neutral_cell` or :func:`frame_to_csv`. A cell that
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets strip before reading the rest) is run as a formula by Excel, LibreOffice and
Google Sheets: a variant named ``=cmd|' /C notepad'!'A1'`` would run a command on the
reader's machine (OWASP, "CSV Injection"). The rule, as OWASP recommends:

    a text cell whose first character is one of ``= + - @ \\t \\r`` gets a leading ``'``

Only text is changed: numbers (``-0.32`` in a welfare column) stay numbers, so a
spreadsheet still sums them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is loaded on first use: `middlepower --help` stays quick
    import pandas as pd

__all__ = ["FORMULA_STARTS", "frame_to_csv", "neutral_cell"]

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_cell(value: Any) -> Any:
    """``value``, with a leading ``'`` if it is text a spreadsheet would run as a formula.

    >>> neutral_cell("=1+1"), neutral_cell(-0.32), neutral_cell("CAN")
    ("'=1+1", -0.32, 'CAN')
    """
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _neutral_index(index: pd.Index) -> pd.Index:
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return index.set_levels([_neutral_index(lv) for lv in index.levels])
    if index.dtype == object or pd.api.types.is_string_dtype(index.dtype):
        return index.map(neutral_cell)
    return index


def frame_to_csv(frame: pd.DataFrame | pd.Series, *, index: bool = True) -> str:
    """``frame.to_csv(index=index)`` with every text cell, column name and index label
    passed through :func:`neutral_cell` (numeric columns are left as they are)."""
    import pandas as pd

    df = frame.to_frame() if isinstance(frame, pd.Series) else frame.copy()
    for col in df.columns:
        s = df[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) \
                or isinstance(s.dtype, pd.CategoricalDtype):
            df[col] = s.astype(object).map(neutral_cell)
    df.columns = _neutral_index(df.columns)
    if index:
        df.index = _neutral_index(df.index)
        df.index.names = [neutral_cell(n) for n in df.index.names]
    return df.to_csv(index=index)
