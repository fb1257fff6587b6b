"""The report's charts as Vega-Lite specs, built with altair from a ``Tally``.

Each function returns a spec (a dict, validated by altair against the Vega-Lite schema) or
``None`` when the result set has nothing to draw, so the page shows a sentence instead of an
empty frame. Data is inlined in the spec: the page loads nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from compliance.report.stats import NO_CURRENCY, SEVERITY_ORDER, VERDICT_ORDER, Tally, chapter_titles

# Colours shared with the page's CSS (the verdict badges) so a chart and a table row agree.
VERDICT_COLOURS = {"BLOCK": "#c0392b", "REVIEW": "#d68910", "ERROR": "#7d3c98", "CLEAR": "#2e8b57"}
SEVERITY_COLOURS = {"block": "#c0392b", "review": "#d68910", "info": "#5d8aa8"}
TOP = 15  # bars per chart; the rest are summed into one "other" bar where that means something
_LABEL_LIMIT = 260  # pixels before an axis label is cut with an ellipsis


def _alt() -> Any:
    import altair as alt

    return alt


def _verdict_colour(alt: Any, verdicts: list[str]) -> Any:
    domain = [v for v in VERDICT_ORDER if v in verdicts] + sorted(v for v in verdicts if v not in VERDICT_ORDER)
    return alt.Color("verdict:N", title="verdict", sort=domain,
                     scale=alt.Scale(domain=domain, range=[VERDICT_COLOURS.get(v, "#808080") for v in domain]))


def _severity_colour(alt: Any, field: str = "severity") -> Any:
    return alt.Color(f"{field}:N", title=field, sort=list(SEVERITY_ORDER),
                     scale=alt.Scale(domain=list(SEVERITY_ORDER), range=[SEVERITY_COLOURS[s] for s in SEVERITY_ORDER]))


def _finish(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart.configure_view(stroke=None).configure_axis(labelLimit=_LABEL_LIMIT).to_dict()
    return spec


def verdicts_by_country(t: Tally) -> dict[str, Any] | None:
    """Stacked bars: rows per destination country, split by verdict (top countries by rows)."""
    if not t.countries:
        return None
    alt = _alt()
    totals: Counter[str] = Counter()
    for (country, _), n in t.countries.items():
        totals[country] += n
    top = [c for c, _ in totals.most_common(TOP)]
    rest = len(totals) - len(top)
    other = f"other ({rest} countries)"
    values: Counter[tuple[str, str]] = Counter()
    for (country, verdict), n in t.countries.items():
        values[(country if country in top else other, verdict)] += n
    order = top + ([other] if rest else [])
    data = [{"country": c, "verdict": v, "rows": n} for (c, v), n in values.items()]
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("country:N", sort=order, title=None),
        x=alt.X("sum(rows):Q", title="rows"),
        color=_verdict_colour(alt, sorted({v for _, v in values})),
        tooltip=[alt.Tooltip("country:N"), alt.Tooltip("verdict:N"), alt.Tooltip("sum(rows):Q", title="rows")],
    ).properties(width="container", height=max(80, 24 * len(order)), title="Verdicts by destination country")
    return _finish(chart)


def findings_by_family(t: Tally) -> dict[str, Any] | None:
    """Stacked bars: findings per rule family, split by severity."""
    if not t.families:
        return None
    alt = _alt()
    data = [{"family": f, "severity": s, "findings": n} for (f, s), n in t.families.items()]
    totals: Counter[str] = Counter()
    for (family, _), n in t.families.items():
        totals[family] += n
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("family:N", sort=[f for f, _ in totals.most_common()], title=None),
        x=alt.X("sum(findings):Q", title="findings"),
        color=_severity_colour(alt),
        tooltip=[alt.Tooltip("family:N"), alt.Tooltip("severity:N"),
                 alt.Tooltip("sum(findings):Q", title="findings")],
    ).properties(width="container", height=max(80, 28 * len(totals)), title="Findings by rule family")
    return _finish(chart)


def _chapter_label(chapter: str) -> str:
    title = chapter_titles().get(chapter, "")
    if len(title) > 48:
        title = title[:47] + "…"
    return f"{chapter} {title}".strip()


def flagged_value_by_chapter(t: Tally) -> dict[str, Any] | None:
    """Value of the BLOCK and REVIEW rows per HS chapter, one panel per currency (never summed
    across currencies); rows per chapter when the results carry no value."""
    alt = _alt()
    if not t.chapter_value:
        if not t.chapter_rows:
            return None
        data = [{"chapter": _chapter_label(c), "rows": n} for c, n in t.chapter_rows.most_common(TOP)]
        chart = alt.Chart(alt.Data(values=data)).mark_bar(color=VERDICT_COLOURS["BLOCK"]).encode(
            y=alt.Y("chapter:N", sort="-x", title=None), x=alt.X("rows:Q", title="flagged rows"),
            tooltip=["chapter:N", "rows:Q"],
        ).properties(width="container", height=max(80, 24 * len(data)),
                     title="Flagged rows by HS chapter (the results carry no value)")
        return _finish(chart)
    by_currency: dict[str, dict[str, float]] = defaultdict(dict)
    for (chapter, currency, _), v in t.chapter_value.items():
        by_currency[currency][chapter] = by_currency[currency].get(chapter, 0.0) + v
    currencies = sorted(by_currency, key=lambda c: (c == NO_CURRENCY, -sum(by_currency[c].values())))[:4]
    panels = []
    for currency in currencies:
        top = set(sorted(by_currency[currency], key=lambda ch: -by_currency[currency][ch])[:TOP])
        data = [{"chapter": _chapter_label(ch), "verdict": v, "value": round(val, 2)}
                for (ch, cur, v), val in t.chapter_value.items() if cur == currency and ch in top]
        unit = "" if currency == NO_CURRENCY else f" ({currency})"
        panels.append(alt.Chart(alt.Data(values=data)).mark_bar().encode(
            y=alt.Y("chapter:N", sort="-x", title=None),
            x=alt.X("sum(value):Q", title=f"value{unit}", axis=alt.Axis(format=".2~s")),
            color=_verdict_colour(alt, ["BLOCK", "REVIEW"]),
            tooltip=[alt.Tooltip("chapter:N"), alt.Tooltip("verdict:N"),
                     alt.Tooltip("sum(value):Q", title=f"value{unit}", format=",.2f")],
        ).properties(width="container", height=max(60, 24 * len(top)),
                     title=f"Flagged value by HS chapter{unit}"))
    chart = panels[0] if len(panels) == 1 else alt.vconcat(*panels).resolve_scale(x="independent")
    return _finish(chart)


def top_listed_entities(t: Tally) -> dict[str, Any] | None:
    """Bars: the listed entities matched on most rows, coloured by the strongest match's severity."""
    if not t.entities:
        return None
    alt = _alt()
    data = [{"entity": name, "list": lst or "?", "rows": n, "match": t.entity_severity.get((name, lst), "info")}
            for (name, lst), n in t.entities.most_common(TOP)]
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(
        y=alt.Y("entity:N", sort="-x", title=None),
        x=alt.X("rows:Q", title="rows matched", axis=alt.Axis(tickMinStep=1, format="d")),
        color=_severity_colour(alt, "match"),
        tooltip=["entity:N", "list:N", "rows:Q", "match:N"],
    ).properties(width="container", height=max(60, 24 * len(data)), title="Most-matched listed entities")
    return _finish(chart)


CHARTS = {
    "chart-country": (verdicts_by_country, "No rows to chart."),
    "chart-family": (findings_by_family, "No findings in this result set."),
    "chart-chapter": (flagged_value_by_chapter, "No BLOCK or REVIEW rows with an HS code."),
    "chart-entities": (top_listed_entities, "No party matched a listed entity."),
}


def all_specs(t: Tally) -> dict[str, dict[str, Any] | None]:
    return {key: fn(t) for key, (fn, _) in CHARTS.items()}
