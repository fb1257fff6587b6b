"""The HTML report: one self-contained page (styles, scripts, charts and data inline).

Rendered from a ``Tally`` of a result set; it counts and shows, it never re-decides. Every
value from the results (names, descriptions, reasons) is HTML-escaped, and the chart data is
embedded as JSON with ``<``, ``>`` and ``&`` escaped, so a hostile string in a shipment stays
text. The page's Content-Security-Policy forbids every network load: it works offline.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from compliance import __version__
from compliance.report.charts import CHARTS, all_specs
from compliance.report.provenance import describe
from compliance.report.stats import FLAGGED, NO_CURRENCY, VERDICT_ORDER, Tally, country_label, parse_value

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_\-]+)\}\}")
log = logging.getLogger(__name__)
_PARTY_ROLES = ("exporter", "consignee", "end_user", "manufacturer")


def esc(value: Any) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '</script>', no '<!--', no HTML entities."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def vega_lite_version() -> str | None:
    """The Vega-Lite version (major.minor) of altair's schema, if vl-convert bundles it (else its default)."""
    import altair as alt
    import vl_convert as vlc

    wanted = str(alt.SCHEMA_VERSION).lstrip("v").split(".")
    available = list(vlc.get_vegalite_versions())
    same_major = [v for v in available if v.split(".")[0] == wanted[0]]
    exact = ".".join(wanted[:2])
    return exact if exact in available else (same_major[-1] if same_major else None)


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script, from the vl-convert-python package (no network).

    vl-convert builds the bundle in a few seconds; it is kept in the data dir's cache per version.
    """
    import vl_convert as vlc

    from compliance.settings import data_dir

    version = getattr(vlc, "__version__", "") or vlc.get_vega_embed_version()
    vl_version = vega_lite_version()
    cached: Path | None = None
    try:
        cached = data_dir() / "cache" / f"vega-bundle-{version}-vl{vl_version or 'default'}.js"
        if cached.is_file():
            return cached.read_text(encoding="utf-8")
    except OSError:
        cached = None
    bundle: str = vlc.javascript_bundle(vl_version=vl_version)  # type: ignore[call-arg]
    if "</script" in bundle.lower():  # would end the inline script early; never seen, but cheap to guard
        bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(cached.name + f".{os.getpid()}.partial")
            tmp.write_text(bundle, encoding="utf-8")
            os.replace(tmp, cached)
        except OSError:
            log.debug("could not cache the vega bundle at %s", cached)
    return bundle


@lru_cache(maxsize=1)
def _template() -> str:
    return resources.files("compliance.report").joinpath("template.html").read_text(encoding="utf-8")


def _fill(template: str, values: Mapping[str, str]) -> str:
    # One pass over the template only: inserted content is never scanned for placeholders.
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "–"


def _money(v: float) -> str:
    """Compact for a headline card: 3.54M, 870k, 950."""
    for unit, size in (("bn", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(v) >= size:
            return f"{v / size:.3g}{unit}"
    return f"{v:,.0f}"


def _cards(t: Tally) -> str:
    out = [f'<div class="card rows"><div class="n">{t.rows:,}</div><div class="l">rows screened</div></div>']
    for v in VERDICT_ORDER:
        n = t.verdicts.get(v, 0)
        out.append(f'<div class="card {v}" data-verdict="{v}"><div class="n">{n:,}</div>'
                   f'<div class="l">{v} · {_pct(n, t.rows)}</div></div>')
    for v, n in sorted(t.other_verdicts.items()):
        out.append(f'<div class="card"><div class="n">{n:,}</div><div class="l">{esc(v)} (unknown verdict)</div></div>')
    value: dict[str, float] = {}
    for (_, currency, _), amount in t.chapter_value.items():
        value[currency] = value.get(currency, 0.0) + amount
    for currency, amount in sorted(value.items(), key=lambda kv: -kv[1])[:3]:
        label = "" if currency == NO_CURRENCY else f" {esc(currency)}"
        out.append(f'<div class="card BLOCK"><div class="n" title="{amount:,.2f}">{_money(amount)}</div>'
                   f'<div class="l">BLOCK + REVIEW value{label}</div></div>')
    out.append(f'<div class="card"><div class="n">{len(t.rules):,}</div><div class="l">rules fired</div></div>')
    out.append(f'<div class="card"><div class="n">{len(t.entities):,}</div>'
               f'<div class="l">listed entities matched</div></div>')
    return "\n".join(out)


def _finding(f: Mapping[str, Any]) -> str:
    sev = str(f.get("severity") or "info")
    sev_class = sev if sev in ("block", "review", "info") else "info"
    parts = [f'<li><span class="sev {sev_class}">{esc(sev)}</span> <span class="rule">{esc(f.get("rule_id"))}</span>'
             f' {esc(f.get("message"))}']
    if f.get("legal_basis"):
        regime = f" [{esc(f.get('regime'))}]" if f.get("regime") else ""
        parts.append(f'<div class="basis">Legal basis{regime}: {esc(f.get("legal_basis"))}</div>')
    if f.get("matched_name"):
        score = f.get("score")
        score_text = f", score {float(score):.2f}" if isinstance(score, int | float) else ""
        where = " · ".join(esc(x) for x in (f.get("list_name"), f.get("list_entry_id")) if x)
        parts.append(f'<div class="match">matched <b>{esc(f["matched_name"])}</b>'
                     f'{" (" + where + ")" if where else ""}{score_text}'
                     + (f": {esc(f.get('explanation'))}" if f.get("explanation") else "") + "</div>")
    parts.append("</li>")
    return "".join(parts)


def _row(t: Tally, rec: Mapping[str, Any]) -> str:
    verdict = str(rec.get("verdict") or "ERROR")
    css = verdict if verdict in FLAGGED else "OTHER"
    findings = rec.get("findings") or []
    families = sorted({str(f.get("family")) for f in findings if f.get("family")})
    _, dest = country_label(str(t.get(rec, "destination_country") or ""))
    cells = [
        f'<td class="num">{esc(rec.get("row_number") if rec.get("row_number") is not None else "")}</td>',
        f'<td class="mono">{esc(t.get(rec, "shipment_id") or rec.get("shipment_id"))}</td>',
        f'<td><span class="badge {css}">{esc(verdict)}</span></td>',
        f'<td class="num">{esc(rec.get("risk_score") if rec.get("risk_score") is not None else "")}</td>',
        f"<td>{esc(dest)}</td>",
        f'<td class="mono">{esc(t.get(rec, "hs_code"))}</td>',
        f'<td class="desc">{esc(t.get(rec, "description"))}</td>',
    ]
    parties = []
    for role in _PARTY_ROLES:
        name = t.get(rec, f"{role}_name")
        if name not in (None, ""):
            country = t.get(rec, f"{role}_country")
            parties.append(f'<div><span class="role">{esc(role.replace("_", " "))}:</span> {esc(name)}'
                           + (f" ({esc(country)})" if country not in (None, "") else "") + "</div>")
    cells.append(f'<td class="parties">{"".join(parties)}</td>')
    raw_value = t.get(rec, "value")
    amount = parse_value(raw_value)
    currency = t.get(rec, "currency") or ""
    shown = f"{esc(raw_value)} {esc(currency)}".strip() if raw_value not in (None, "") else ""
    cells.append(f'<td class="num" data-key="{"" if amount is None else amount}">{shown}</td>')
    items = "".join(_finding(f) for f in findings)
    if not items and rec.get("reasons"):
        items = "".join(f"<li>{esc(r)}</li>" for r in str(rec["reasons"]).split(";") if r)
    error = f'<div class="err">{esc(rec.get("error"))}</div>' if rec.get("error") else ""
    cells.append(f'<td class="findings-cell"><ul class="findings">{items}</ul>{error}</td>')
    return (f'<tr class="{css}" data-verdict="{css}" data-families="{esc(" ".join(families))}" '
            f'data-country="{esc(dest)}">' + "".join(cells) + "</tr>")


def _sort_key(rec: Mapping[str, Any]) -> tuple[int, int]:
    n = rec.get("row_number")
    return (0, n) if isinstance(n, int) else (1, 0)


def _verdict_filters(t: Tally, present: Counter[str]) -> str:
    out = []
    for v in (*FLAGGED, "OTHER"):
        if v == "OTHER" and not present.get(v):
            continue
        out.append(f'<label><input type="checkbox" class="verdict-filter" value="{v}" checked> '
                   f'<span class="badge {v}">{v}</span> {present.get(v, 0):,}</label>')
    return "".join(out)


def _rules_table(t: Tally) -> str:
    rules = t.top_rules()
    if not rules:
        return '<p class="empty">No rule fired on any row.</p>'
    body = "".join(
        f'<tr><td class="rule">{esc(r.rule_id)}</td><td class="num">{r.rows:,}</td><td>{esc(r.family)}</td>'
        f'<td><span class="sev {esc(r.severity or "info")}">{esc(r.severity or "?")}</span></td>'
        f"<td>{esc(r.regime)}</td><td>{esc(r.legal_basis)}</td></tr>" for r in rules)
    return ('<table id="rules"><thead><tr><th>rule</th><th class="num">rows</th><th>family</th><th>severity</th>'
            f"<th>regime</th><th>legal basis</th></tr></thead><tbody>{body}</tbody></table>")


def _provenance(meta: Mapping[str, Any] | None, source: str | None) -> str:
    view = describe(meta)
    if not view.known:
        return ('<p class="banner">Provenance not recorded: no <code>.meta.json</code> was found beside the '
                "results, so the rules bundle and list versions used cannot be shown. Keep the "
                "<code>RESULTS.meta.json</code> file that <code>compliance screen --out</code> writes, or pass "
                "<code>--meta</code>.</p>")
    facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v) or '–'}</dd>" for k, v in view.facts)
    out = [f'<dl class="prov">{facts}</dl>']
    if view.lists:
        body = "".join(
            f"<tr><td>{esc(x.get('name'))}</td><td>{esc(x.get('format'))}</td><td>{esc(x.get('version'))}</td>"
            f"<td>{esc(x.get('date'))}</td><td class='num'>{esc(x.get('entries'))}</td>"
            f"<td class='mono'>{esc(x.get('sha256'))}</td></tr>" for x in view.lists)
        out.append('<table id="lists"><thead><tr><th>sanctions list</th><th>format</th><th>version</th><th>date</th>'
                   f'<th class="num">entries</th><th>sha256</th></tr></thead><tbody>{body}</tbody></table>')
    else:
        out.append('<p class="empty">No sanctions list is named in the provenance.</p>')
    if source:
        out.append(f'<p class="basis">From {esc(source)}.</p>')
    return "".join(out)


def render_html(t: Tally, *, source: str, meta: Mapping[str, Any] | None = None, meta_source: str | None = None,
                title: str | None = None, generated_at: dt.datetime | None = None,
                warnings: list[str] | None = None) -> str:
    """The report page for the counted result set ``t`` (from the file named ``source``)."""
    when = (generated_at or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    view = describe(meta)
    flagged = sorted(t.flagged, key=_sort_key)
    present: Counter[str] = Counter()
    families: set[str] = set()
    countries: set[str] = set()
    for rec in flagged:
        v = str(rec.get("verdict") or "ERROR")
        present[v if v in FLAGGED else "OTHER"] += 1
        families.update(str(f.get("family")) for f in rec.get("findings") or [] if f.get("family"))
        countries.add(country_label(str(t.get(rec, "destination_country") or ""))[1])
    banners = []
    if t.truncated:
        banners.append(f'<div class="banner">The table shows the first {len(flagged):,} of {t.flagged_total:,} '
                       "BLOCK, REVIEW and ERROR rows (<code>--max-rows</code>); counts and charts cover every row. "
                       "The xlsx output lists them all.</div>")
    if t.damaged:
        banners.append(f'<div class="banner bad">{t.damaged:,} result(s) could not be read back from the results file '
                       "and are counted as ERROR: screen the input again.</div>")
    for w in (warnings or [])[:10]:
        banners.append(f'<div class="banner">{esc(w)}</div>')
    specs = all_specs(t)
    subtitle = [f"Results: {esc(source)}", f"{t.rows:,} rows"]
    if view.rules:
        subtitle.append(f"rules {esc(view.rules)}")
    if view.lists:
        subtitle.append(f"{len(view.lists)} sanctions list(s)")
    subtitle.append(f"generated {when}")
    values = {
        "TITLE": esc(title or "Compliance screening report"),
        "SUBTITLE": " · ".join(subtitle),
        "GENERATOR": esc(f"compliance {__version__}"),
        "BANNERS": "\n".join(banners),
        "CARDS": _cards(t),
        "VERDICT_FILTERS": _verdict_filters(t, present),
        "FAMILY_OPTIONS": "".join(f'<option value="{esc(f)}">{esc(f)}</option>' for f in sorted(families)),
        "COUNTRY_OPTIONS": "".join(f'<option value="{esc(c)}">{esc(c)}</option>' for c in sorted(countries)),
        "FLAGGED_SHOWN": str(len(flagged)),
        "ROWS": "\n".join(_row(t, rec) for rec in flagged),
        "NO_ROWS": "" if flagged else '<p class="empty">No BLOCK, REVIEW or ERROR row: every row is CLEAR.</p>',
        "RULES": _rules_table(t),
        "PROVENANCE": _provenance(meta, meta_source),
        "FOOTER": esc(f"compliance {__version__} · verdicts as recorded in the results; this report recomputes "
                      "nothing · charts: Vega-Lite"),
        "SPECS": script_json(specs),
        "VEGA": vega_bundle(),
    }
    for key, (_, empty) in CHARTS.items():
        values[f"EMPTY_{key}"] = f'<p class="empty">{esc(empty)}</p>' if specs.get(key) is None else ""
    return _fill(_template(), values)
