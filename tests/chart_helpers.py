"""Small helpers shared by the chart tests: hostile names and figure checks."""

from datetime import date

import plotly.graph_objects as go

EVIL = "<b>Bold</b> & <script>x</script>"
EVIL_ESCAPED = "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;"


def _empty_note(figure: go.Figure) -> bool:
    return any(a.name == "empty note" for a in figure.layout.annotations)


def _title(figure: go.Figure) -> str:
    return figure.layout.title.text


def _no_raw_html(figure: go.Figure) -> None:
    """No trace carries the raw tags of EVIL anywhere (names, labels, hovers, axis labels)."""
    dumped = figure.to_json()
    assert "<script>" not in dumped and "<b>Bold" not in dumped


def _month(i: int) -> date:
    return date(2026 + i // 12, i % 12 + 1, 1)
