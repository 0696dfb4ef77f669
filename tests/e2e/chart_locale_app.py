"""A chart with figures over 1,000, decimals and months, drawn through ``chart_text``
exactly as the app's charts are (started by ``test_chart_locale_e2e.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import altair as alt
import pandas as pd
import streamlit as st

from pages.shared import chart_text

MONTHS = ["2025-01-01", "2025-03-01", "2025-05-01", "2025-10-01"]
frame = pd.DataFrame(
    {"monat": pd.to_datetime(MONTHS), "familien": [1234.5, 2500.25, 999.5, 4321.0]}
)
chart = (
    alt.Chart(frame)
    .mark_line(point=True)
    .encode(
        x=alt.X("monat:T", title="Monat"),
        y=alt.Y("familien:Q", title="Familien"),
        tooltip=[alt.Tooltip("familien:Q", title="Familien")],
    )
)
st.altair_chart(chart_text.describe(chart, "Familien je Monat"), width="stretch")
