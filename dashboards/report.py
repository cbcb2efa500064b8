"""The one-page executive report of a view (log + filter) as a single self-contained HTML file:
inline CSS, charts as inline SVG, nothing fetched, so it opens offline and prints on A4.
Streamlit-free: the Export page and `proclens report` both call `gather()` then `render()`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Any

from analytics.bottlenecks import top_waiting_activities
from analytics.cycle_times import cycle_times
from analytics.filters import Filter
from analytics.opportunities import opportunities
from analytics.periods import DAY, period_summary
from analytics.stats import log_stats
from dashboards import kpis, svg_charts
from dashboards.charts import ACCENT
from dashboards.i18n import Lang, fmt_date, fmt_duration, fmt_int, fmt_pct, t
from dashboards.opportunity_text import describe
from proclens.errors import ReportError
from proclens.store import EventStore

TOP = 5
#: Browsers that can print the report to PDF headless, first found wins.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT_S = 120


def gather(
    store: EventStore,
    log: str,
    flt: Filter | None,
    *,
    threshold_s: float,
    weeks: int,
    end: date | None = None,
) -> dict[str, Any]:
    """Every figure the report shows, from the analytics functions (all JSON-ready)."""
    return {
        "log": log,
        "filter": (flt or Filter()).describe(),
        "stats": log_stats(store, log, flt),
        "periods": period_summary(store, log, flt, threshold_s, weeks, end),
        "trend": cycle_times(store, log, flt, period="month")["trend"],
        "bottlenecks": top_waiting_activities(store, log, flt, TOP),
        "opportunities": [o.to_json() for o in opportunities(store, log, flt, top=TOP)],
    }


def render(
    data: dict[str, Any],
    lang: Lang,
    conformance: dict[str, Any] | None = None,
    generated: datetime | None = None,
) -> str:
    """The report as one HTML document; `conformance`: check_conformance(...).to_json()."""
    when = generated or datetime.now(UTC)
    change = data["periods"]["change"]
    body = [
        f"<h1>{escape(t('report.title', lang))} · {escape(data['log'])}</h1>",
        f'<p class="meta">{escape(_meta(data, lang, when))}</p>',
        _cards(data, lang, conformance),
        f"<h2>{escape(t('report.kpis', lang))}</h2>",
        _kpi_table(data, lang),
        f'<p class="note">{escape(_period_note(change, lang))}</p>',
        '<div class="two">',
        _trend(data, lang),
        _flow(data, lang),
        "</div>",
        '<div class="two">',
        _bottlenecks(data, lang),
        _opportunities(data, lang),
        "</div>",
    ]
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8"/>'
        f"<title>{escape(t('report.title', lang))} · {escape(data['log'])}</title>"
        f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def find_browser() -> str | None:
    """The path of a headless-capable Chromium/Chrome, or None."""
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def to_pdf(html: str) -> bytes:
    """The report printed to PDF (A4, the report's own print CSS) by headless Chromium."""
    browser = find_browser()
    if browser is None:
        raise ReportError(
            "PDF needs headless Chromium and none was found (looked for "
            f"{', '.join(BROWSERS)}): install it (Debian: apt-get install chromium) or write .html"
        )
    with tempfile.TemporaryDirectory(prefix="proclens-pdf-") as tmp:
        page, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu",
            f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]  # fmt: skip
        try:
            run = subprocess.run(
                cmd, check=False, capture_output=True, text=True, timeout=PDF_TIMEOUT_S
            )
        except subprocess.TimeoutExpired as exc:
            raise ReportError(
                f"{browser} did not print the PDF within {PDF_TIMEOUT_S} s; write .html instead"
            ) from exc
        if not pdf.exists() or not pdf.stat().st_size:
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            raise ReportError(f"{browser} printed no PDF (exit {run.returncode}: {last})")
        return pdf.read_bytes()


def _meta(data: dict[str, Any], lang: Lang, when: datetime) -> str:
    flt = data["filter"]
    shown = "; ".join(f"{k} = {_plain(v)}" for k, v in flt.items()) or t("report.all_cases", lang)
    stamp = f"{fmt_date(when, lang)} {when:%H:%M} UTC"
    return f"{t('report.generated', lang, when=stamp)} · {t('report.filter', lang)}: {shown}"


def _cards(data: dict[str, Any], lang: Lang, conformance: dict[str, Any] | None) -> str:
    stats, periods = data["stats"], data["periods"]
    days = f"{periods['sla']['threshold_s'] / DAY:g}"
    cards = [
        (t("kpi.cases", lang), fmt_int(stats["cases"], lang)),
        (t("kpi.median", lang), fmt_duration(stats["case_duration_s"]["median"], lang)),
        (f"{t('kpi.over_sla', lang)} (> {days} {t('cycle.days', lang)})",
         fmt_pct(periods["sla"]["share"], lang)),
    ]  # fmt: skip
    if conformance is not None:
        cards.append((t("overview.conformance", lang), f"{conformance['fitness']:.3f}"))
    out = "".join(
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div></div>'
        for label, value in cards
    )
    if conformance is None:
        out += f'<div class="card muted">{escape(t("report.no_model", lang))}</div>'
    else:
        out += (
            f'<div class="card muted">{escape(Path(str(conformance.get("model", ""))).name)}: '
            f"{escape(t('conf.fitting', lang))} "
            f"{escape(fmt_pct(conformance['fitting_cases_share'], lang))}, "
            f"{escape(t('conf.precision', lang))} {conformance['precision']:.3f}</div>"
        )
    return f'<div class="cards">{out}</div>'


def _kpi_table(data: dict[str, Any], lang: Lang) -> str:
    weeks = data["periods"]["change"]["weeks"]
    head = [t("report.figure", lang), t("report.whole", lang), t("report.last", lang, weeks=weeks),
            t("report.before", lang, weeks=weeks), t("report.change", lang)]  # fmt: skip
    rows = []
    for figure, (key, whole, cur, prev, delta) in zip(
        kpis.LABELS, kpis.table(data["stats"], data["periods"], lang), strict=True
    ):
        cls = _tone(figure, data["periods"]["change"]["change"])
        rows.append(
            f"<tr><th>{escape(t(key, lang))}</th><td>{escape(whole)}</td><td>{escape(cur)}</td>"
            f'<td>{escape(prev)}</td><td class="{cls}">{escape(delta or "–")}</td></tr>'
        )
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    return f'<table class="kpis"><tr>{header}</tr>{"".join(rows)}</table>'


def _tone(figure: str, change: dict[str, Any]) -> str:
    """The CSS class of a change: worse (red) or better (green) where that is clear, like
    st.metric's delta_color; counts and no change stay plain."""
    delta = (change.get(figure) or {}).get("delta")
    if not delta or kpis.delta_color(figure) == "off":
        return ""
    return "worse" if delta > 0 else "better"


def _period_note(change: dict[str, Any], lang: Lang) -> str:
    if not change.get("current"):
        return ""
    start, end = (datetime.fromisoformat(change["current"][k]) for k in ("from", "to"))
    return t(
        "overview.change", lang, weeks=change["weeks"], start=fmt_date(start, lang),
        end=fmt_date(end, lang), days=f"{change['threshold_s'] / DAY:g}",
    )  # fmt: skip


def _trend(data: dict[str, Any], lang: Lang) -> str:
    rows = data["trend"]
    chart = svg_charts.line_chart(
        [r["period"][:7] for r in rows],
        [(t("col.median", lang), [_days(r["median_duration_s"]) for r in rows], ACCENT),
         (t("col.mean", lang), [_days(r["mean_duration_s"]) for r in rows], "#f97316")],
        t("cycle.days", lang),
    )  # fmt: skip
    return f"<section><h2>{escape(t('overview.trend', lang))}</h2>{chart}</section>"


def _flow(data: dict[str, Any], lang: Lang) -> str:
    rows = data["periods"]["flow"]
    chart = svg_charts.line_chart(
        [r["week"] for r in rows],
        [(t("kpi.started", lang), [r["started"] for r in rows], ACCENT),
         (t("kpi.finished", lang), [r["finished"] for r in rows], "#f97316")],
        t("col.cases", lang),
        [i for i, r in enumerate(rows) if r.get("partial")],
    )  # fmt: skip
    note = ""
    if any(r.get("partial") for r in rows):
        label = escape(t("overview.partial_week", lang))
        note = f'<p class="note"><span class="swatch"></span>{label}</p>'
    return f"<section><h2>{escape(t('overview.flow', lang))}</h2>{chart}{note}</section>"


def _bottlenecks(data: dict[str, Any], lang: Lang) -> str:
    rows = "".join(
        f"<tr><td>{k}. {escape(str(b['activity']))}</td>"
        f"<td>{escape(fmt_duration(b['mean_wait_s'], lang))}</td>"
        f"<td>{escape(fmt_duration(b['median_wait_s'], lang))}</td>"
        f"<td>{escape(fmt_pct(b['share_of_cycle_time'], lang))}</td></tr>"
        for k, b in enumerate(data["bottlenecks"], start=1)
    )
    head = (
        f"<tr><th>{escape(t('col.activity', lang))}</th><th>{escape(t('col.mean', lang))}</th>"
        f"<th>{escape(t('col.median', lang))}</th>"
        f"<th>{escape(t('bn.share', lang))}</th></tr>"
    )
    table = f"<table>{head}{rows}</table>" if rows else f"<p>{escape(t('report.none', lang))}</p>"
    return f"<section><h2>{escape(t('bn.activities', lang))}</h2>{table}</section>"


def _opportunities(data: dict[str, Any], lang: Lang) -> str:
    texts = [describe(o, lang) for o in data["opportunities"]]
    items = "".join(
        f"<li><b>{escape(title)}</b> — "
        f"{escape(t('bn.saving', lang, hours=fmt_int(o['saving_hours_per_year'], lang)))}"
        f'<div class="evidence">{escape(evidence)}</div></li>'
        for o, (title, evidence) in zip(data["opportunities"], texts, strict=True)
    )
    body = f"<ol>{items}</ol>" if items else f"<p>{escape(t('report.none', lang))}</p>"
    return f"<section><h2>{escape(t('bn.opportunities', lang))}</h2>{body}</section>"


def _plain(value: Any) -> str:
    """A filter value as text: lists joined by commas (nested lists: a variant, with arrows)."""
    if isinstance(value, list | tuple):
        return ", ".join(" → ".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
                         for v in value)  # fmt: skip
    return str(value)


def _days(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / DAY


CSS = """
.swatch { display: inline-block; width: 10px; height: 10px; background: #e2e8f0;
          margin-right: 4px; vertical-align: -1px; }
@page { size: A4; margin: 12mm; } @media print { body { padding: 0; zoom: 0.72; } }
body { font-family: "Noto Sans CJK SC", "Noto Sans", "Helvetica Neue", Arial, sans-serif;
       color: #0f172a; margin: 24px auto; padding: 0 24px; max-width: 1100px; font-size: 13px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 18px 0 6px; }
.meta, .note, .evidence, .tick, .legend { color: #475569; }
.meta { margin: 0 0 12px; } .note { font-size: 11px; }
.cards { display: flex; gap: 10px; flex-wrap: wrap; }
.card { border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 12px; min-width: 150px; }
.card .label { font-size: 11px; color: #475569; } .card .value { font-size: 20px; }
.card.muted { color: #475569; font-size: 12px; max-width: 320px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e2e8f0; }
td:not(:first-child), th:not(:first-child) { white-space: nowrap; }  /* a duration is one line */
table.kpis td, table.kpis th:not(:first-child) { text-align: right; }
td.worse { color: #b91c1c; } td.better { color: #15803d; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
section { break-inside: avoid; } ol { padding-left: 18px; } li { margin-bottom: 6px; }
.evidence { font-size: 11px; }
svg .tick, svg .legend { font-size: 10px; fill: #475569; } svg .axis { font-size: 10px; }
"""
