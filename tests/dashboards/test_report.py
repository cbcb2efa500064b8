"""The executive report: well-formed, self-contained HTML holding the analytics' figures, in
both languages; the same file from `proclens report` and from the Export page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from analytics.filters import Filter
from analytics.periods import DAY, period_summary
from analytics.stats import log_stats
from dashboards import kpis, report
from dashboards.i18n import Lang, fmt_duration, fmt_int, fmt_pct, t
from dashboards.opportunity_text import describe
from proclens.cli import main
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, open_page

LOG = "sepsis_cases"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class Checker(HTMLParser):
    """Fails on an end tag that does not close the open element; collects the text."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Checker:
    assert html.startswith("<!DOCTYPE html>")
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.open == [], f"never closed: {checker.open}"
    return checker


def assert_self_contained(doc: Checker) -> None:
    """Nothing to fetch: no script, no linked file, no external address."""
    assert not doc.tags & {"script", "link", "img", "iframe"}
    assert not [a for a in doc.attrs if a[0] in ("src", "href")]


def expected_texts(data: dict[str, Any], lang: Lang) -> list[str]:
    stats, periods = data["stats"], data["periods"]
    out = [
        fmt_int(stats["cases"], lang),
        fmt_duration(stats["case_duration_s"]["median"], lang),
        fmt_pct(periods["sla"]["share"], lang),
    ]
    for _key, whole, cur, prev, delta in kpis.table(stats, periods, lang):
        out += [whole, cur, prev, delta or "–"]
    for b in data["bottlenecks"]:
        out += [str(b["activity"]), fmt_duration(b["mean_wait_s"], lang)]
        out.append(fmt_duration(b["median_wait_s"], lang))
    for o in data["opportunities"]:  # in the report's language, from the figures
        title, evidence = describe(o, lang)
        out += [title, evidence, fmt_int(o["saving_hours_per_year"], lang)]
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_is_well_formed_and_holds_the_figures(sample_db: Path, lang: Lang) -> None:
    flt = Filter(with_activity=("Admission IC",))
    with EventStore.open(sample_db, read_only=True) as store:
        data = report.gather(store, LOG, flt, threshold_s=7 * DAY, weeks=13, end=date(2014, 12, 31))
        stats = log_stats(store, LOG, flt)
        periods = period_summary(store, LOG, flt, 7 * DAY, 13, date(2014, 12, 31))
    assert data["stats"] == stats
    assert data["periods"] == periods
    html = report.render(data, lang)
    doc = parse(html)
    text = " ".join(doc.text)
    assert_self_contained(doc)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert t("report.title", lang) in text
    assert t("report.no_model", lang) in text
    for expected in expected_texts(data, lang):
        assert expected in text, expected
    assert "Admission IC" in text  # the filter is named
    assert doc.tags >= {"svg", "polyline", "table"}  # the charts are drawn inline
    partial = [w for w in periods["flow"] if w["partial"]]
    assert html.count('class="shade"') == len(partial) > 0  # partial weeks are shaded, named
    assert t("overview.partial_week", lang) in text


def test_report_names_no_partial_week_when_every_week_is_whole(sample_db: Path) -> None:
    with EventStore.open(sample_db, read_only=True) as store:
        data = report.gather(store, LOG, None, threshold_s=7 * DAY, weeks=4)
    data["periods"]["flow"] = [{**w, "partial": False} for w in data["periods"]["flow"]]
    html = report.render(data, "en")
    assert 'class="shade"' not in html
    assert t("overview.partial_week", "en") not in html


def test_report_shows_the_conformance_score(sample_db: Path) -> None:
    with EventStore.open(sample_db, read_only=True) as store:
        data = report.gather(store, LOG, None, threshold_s=30 * DAY, weeks=4)
    conf = {"model": "/x/sepsis.bpmn", "fitness": 0.97654, "precision": 0.25,
            "fitting_cases_share": 0.5}  # fmt: skip
    text = " ".join(parse(report.render(data, "en", conf)).text)
    assert "0.977" in text
    assert "sepsis.bpmn" in text
    assert t("report.no_model", "en") not in text


def test_cli_report_writes_the_file(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    args = ["report", "--db", str(sample_db), "--log", LOG, "--out", str(out), "--lang", "zh",
            "--with-activity", "Admission IC", "--weeks", "13", "--period-end", "2014-12-31",
            "--sla-days", "7", "--json"]  # fmt: skip
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    flt = Filter(with_activity=("Admission IC",))
    with EventStore.open(sample_db, read_only=True) as store:
        data = report.gather(store, LOG, flt, threshold_s=7 * DAY, weeks=13, end=date(2014, 12, 31))
    assert summary["cases"] == data["stats"]["cases"] < 1050
    assert summary["sla_share"] == data["periods"]["sla"]["share"]
    html = out.read_text(encoding="utf-8")
    assert summary["bytes"] == len(html.encode("utf-8"))
    text = " ".join(parse(html).text)
    for expected in expected_texts(data, "zh"):
        assert expected in text, expected
    assert t("report.title", "zh") in text


def test_cli_report_reuses_the_kept_conformance_results(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The sample store keeps Sepsis' token-replay results (as the demo store does): the
    report replays no variant again, and its fitness is a fresh check's."""
    from analytics.conformance import check
    from analytics.conformance.mapping import exact_mapping
    from analytics.conformance.model import load_model
    from tests.conftest import SAMPLE_LOGS

    model_file = SAMPLE_LOGS / "models" / "sepsis.bpmn"
    with EventStore.open(sample_db, read_only=True) as store:
        acts = sorted(r[0] for r in store.con.execute(
            "SELECT DISTINCT activity FROM events WHERE log = ?", [LOG]).fetchall())  # fmt: skip
        model = load_model(model_file, None, acts)
        fresh = check.check_conformance(
            store, LOG, model, exact_mapping(model.tasks, acts), "token-replay"
        )
    replayed: list[int] = []
    real = check._replay_all

    def counting(model: object, todo: list[object]) -> object:
        replayed.append(len(todo))
        return real(model, todo)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "_replay_all", counting)
    args = ["report", "--db", str(sample_db), "--log", LOG, "--out", str(tmp_path / "r.html"),
            "--model", str(model_file), "--method", "token-replay", "--json"]  # fmt: skip
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["fitness"] == pytest.approx(fresh.fitness)
    assert replayed == [0]


def test_cli_report_bad_day_is_one_clear_line(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    args = ["report", "--db", str(sample_db), "--log", LOG, "--out", str(out)]
    assert main([*args, "--period-end", "2014-13-01"]) == 2
    assert "is not a day such as 2024-12-31" in capsys.readouterr().err
    assert not out.exists()


def test_export_page_offers_the_report(sample_env: Path) -> None:
    at = open_page("export", log=LOG, lang="zh")
    assert_clean(at)
    buttons = [b for b in at.get("download_button") if b.proto.label == t("report.download", "zh")]
    assert len(buttons) == 1
    if report.find_browser() is None:
        return
    assert t("report.no_pdf", "zh") not in [i.value for i in at.info]
    at.button(key="w_report_pdf_prepare").click().run()
    assert_clean(at)
    pdf = [b for b in at.get("download_button") if b.proto.label == t("report.download_pdf", "zh")]
    assert len(pdf) == 1


def test_export_page_without_a_browser_offers_only_html(
    sample_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    at = open_page("export", log=LOG, lang="en")
    assert_clean(at)
    assert t("report.no_pdf", "en") in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "w_report_pdf_prepare"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("report.download", "en") in labels


def test_the_checker_catches_a_misnested_tag() -> None:
    with pytest.raises(AssertionError, match="closes <p>"):
        parse("<!DOCTYPE html><div><p></div>")
    with pytest.raises(AssertionError, match="never closed"):
        parse("<!DOCTYPE html><div><p></p>")


def pdf_pages(body: bytes) -> int:
    """Page objects in a PDF (no PDF library is a dependency; Chromium writes them plainly)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", body))


def pdf_text(path: Path) -> str | None:
    """The PDF's text by poppler's pdftotext, or None where it is not installed."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return None
    return subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(report.find_browser() is None, reason="no headless Chromium to print a PDF")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_report_writes_a_one_page_pdf(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: Lang
) -> None:
    out = tmp_path / "report.PDF"
    args = ["report", "--db", str(sample_db), "--log", LOG, "--out", str(out), "--lang", lang,
            "--json"]  # fmt: skip
    assert main(args) == 0
    summary = json.loads(capsys.readouterr().out)
    body = out.read_bytes()
    assert body.startswith(b"%PDF-")
    assert summary["bytes"] == len(body) > 20_000  # fonts and the two SVG charts are embedded
    assert pdf_pages(body) == 1  # the print CSS fits the report on one A4 page
    with EventStore.open(sample_db, read_only=True) as store:
        cases = log_stats(store, LOG)["cases"]
    assert summary["cases"] == cases
    text = pdf_text(out)
    if text is not None:
        assert fmt_int(cases, lang) in text
        assert t("report.title", lang) in text


def test_pdf_without_a_browser_is_one_clear_line(
    sample_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(report.shutil, "which", lambda name: None)
    out = tmp_path / "r.pdf"
    assert main(["report", "--db", str(sample_db), "--log", LOG, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "install it (Debian: apt-get install chromium)" in err
    assert not out.exists()


def test_pdf_pages_counts_pages_not_the_page_tree() -> None:
    assert pdf_pages(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page >>") == 2
