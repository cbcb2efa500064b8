"""The Conformance page on the Sepsis sample log against sample_logs/models/sepsis.bpmn: the
figures shown equal check_conformance's on the same model and suggested mapping."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from analytics.conformance.check import check_conformance
from analytics.conformance.mapping import suggest_mapping
from analytics.conformance.model import load_model
from analytics.conformance.report import case_deviations
from analytics.engine import DuckDBEngine
from analytics.filters import Filter
from analytics.variants import variant_counts
from dashboards import conformance_view
from dashboards.i18n import fmt_int, fmt_pct, t
from dashboards.view import Chip, to_filter
from proclens.store import EventStore
from tests.conftest import SAMPLE_LOGS
from tests.dashboards.apptest import assert_clean, metrics, open_page

LOG = "sepsis_cases"
MODEL = SAMPLE_LOGS / "models" / "sepsis.bpmn"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_conformance_figures_equal_check_conformance(sample_env: Path, lang: str) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        engine = DuckDBEngine(store)
        activities = sorted({a for v, _ in variant_counts(engine, LOG) for a in v})
        model = load_model(MODEL, activities=activities)
        mapping = suggest_mapping(model.tasks, activities)
        result = check_conformance(store, LOG, model, mapping, method="token-replay")
        deviating = case_deviations(store, LOG, result).query("not fits")
    assert 0.0 < result.fitting_cases_share < 1.0  # sepsis has fitting and deviating cases

    at = open_page("conformance", log=LOG, lang=lang)
    assert_clean(at)
    assert at.selectbox(key="conf_model").value.name == "sepsis.bpmn"
    assert at.radio(key="conf_method").value == "token-replay"
    shown = metrics(at)
    assert shown[t("conf.fitness", lang)] == f"{result.fitness:.3f}"
    assert shown[t("conf.precision", lang)] == f"{result.precision:.3f}"
    assert shown[t("conf.fitting", lang)] == fmt_pct(result.fitting_cases_share, lang)
    assert shown[t("conf.deviating", lang)] == fmt_int(len(deviating), lang)

    # the deviations-over-time chart's month ticks read in the page's language
    trend = json.loads(at.get("plotly_chart")[-1].proto.spec)
    stops = trend["layout"]["xaxis"].get("tickformatstops", [])
    month = next((s["value"] for s in stops if s["dtickrange"] == ["M1", "M12"]), None)
    assert month == {"en": None, "zh": "%Y年%-m月"}[lang]

    cases = at.dataframe[-1].value
    assert len(cases) == len(deviating)
    assert set(cases[t("col.case", lang)]) == set(deviating["case_id"])
    first = deviating.sort_values(["fitness", "case_id"]).iloc[0]
    assert cases[t("col.trace", lang)].iloc[0] == " → ".join(first["trace"])
    # the deviations read in the page's language: every skip and insertion of the case, named
    shown_deviations = cases[t("col.deviations", lang)].iloc[0]
    expected = [w for w in str(first["deviations"]).split("; ") if w]
    assert len(expected) == int(first["skipped"]) + int(first["inserted"])
    sep = "；" if lang == "zh" else "; "
    assert shown_deviations.split(sep) == [
        w.replace("skipped ", t("conf.skipped_short", lang) + " ", 1).replace(
            "inserted ", t("conf.inserted_short", lang) + " ", 1
        )
        for w in expected
    ]
    if lang == "zh":
        assert "inserted" not in shown_deviations
        assert "skipped" not in shown_deviations

    # the model stays attached for the session: the Overview shows its fitness for this log
    at.switch_page("app_pages/overview.py")
    at.run()
    assert_clean(at)
    assert metrics(at)[t("overview.conformance", lang)] == f"{result.fitness:.3f}"


def test_an_unusable_model_shows_an_error_naming_the_element(
    sample_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.bpmn").write_text(
        """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
        <process id="p"><startEvent id="s"/><complexGateway id="cg"/><endEvent id="e"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="cg"/>
        <sequenceFlow id="f2" sourceRef="cg" targetRef="e"/></process></definitions>""",
        encoding="utf-8",
    )
    monkeypatch.setattr(conformance_view, "MODELS_DIR", tmp_path)
    at = open_page("conformance", log=LOG, lang="en")
    assert not at.exception
    assert len(at.error) == 1
    assert "complexGateway 'cg'" in at.error[0].value


def test_alignments_on_a_filtered_window_equal_check_conformance(sample_env: Path) -> None:
    """Alignments through the radio, on the cases of two weeks (the global filter applies)."""
    chips = (Chip("from", "2014-11-01"), Chip("to", "2014-11-14"))
    flt = to_filter(chips)
    with EventStore.open(sample_env, read_only=True) as store:
        engine = DuckDBEngine(store)
        activities = sorted({a for v, _ in variant_counts(engine, LOG) for a in v})
        model = load_model(MODEL, activities=activities)
        mapping = suggest_mapping(model.tasks, activities)
        result = check_conformance(
            store, LOG, model, mapping, method="alignments",
            total_budget_s=conformance_view.TOTAL_BUDGET_S, flt=flt,
        )  # fmt: skip
        kept = case_deviations(store, LOG, result, flt)
    assert 0 < result.cases < 300
    assert len(kept) == result.cases

    at = open_page("conformance", log=LOG, lang="en", f=[c.encode() for c in chips])
    at.radio(key="conf_method").set_value("alignments").run()
    assert_clean(at)
    shown = metrics(at)
    assert shown[t("conf.fitness", "en")] == f"{result.fitness:.3f}"
    assert shown[t("conf.fitting", "en")] == fmt_pct(result.fitting_cases_share, "en")
    assert shown[t("conf.deviating", "en")] == fmt_int(int((~kept["fits"]).sum()), "en")


def test_rules_query_counts_the_cases_the_variants_show(sample_env: Path, tmp_path: Path) -> None:
    """The Organisation page's rules query on an uploaded YAML (stashed by content hash)."""
    text = "rules:\n  - {name: no release A, type: never, activity: Release A}\n"
    text += "  - {name: triage, type: must-occur, activity: ER Triage}\n"
    path, digest = conformance_view.stash_model(text.encode(), "rules.yaml", tmp_path)
    assert path.read_text() == text
    assert path.parent.name == digest
    with EventStore.open(sample_env, read_only=True) as store:
        counted = variant_counts(DuckDBEngine(store), LOG)
        found = conformance_view.rules(store, LOG, (), str(path), digest)
    with_release = sum(n for v, n in counted if "Release A" in v)
    without_triage = sum(n for v, n in counted if "ER Triage" not in v)
    assert [(r["name"], r["violations"]) for r in found] == [
        ("no release A", with_release),
        ("triage", without_triage),
    ]
    assert with_release > 0
    assert found[0]["cases"] == 1050


def _task_lines(svg: str) -> dict[str, tuple[list[str], str]]:
    """task label -> (its text lines, its fill), read from the SVG in drawing order."""
    ns = "{http://www.w3.org/2000/svg}"
    tasks: dict[str, tuple[list[str], str]] = {}
    current: list[str] | None = None
    for el in ET.fromstring(svg.encode("utf-8")):
        title = el.find(f"{ns}title")
        if el.tag == f"{ns}g" and title is not None and el.find(f"{ns}rect") is not None:
            current = []
            tasks[str(title.text)] = (current, str(el.find(f"{ns}rect").get("fill")))  # type: ignore[union-attr]
        elif el.tag == f"{ns}text" and current is not None:
            current.append(str(el.text))
        else:
            current = None
    return tasks


def test_the_designed_model_carries_the_deviation_counts(sample_env: Path) -> None:
    """Alignments on the cases of two weeks (the filter applies to the figure too)."""
    chips = (Chip("from", "2014-11-01"), Chip("to", "2014-11-14"))
    with EventStore.open(sample_env, read_only=True) as store:
        activities = sorted({a for v, _ in variant_counts(DuckDBEngine(store), LOG) for a in v})
        model = load_model(MODEL, activities=activities)
        mapping = suggest_mapping(model.tasks, activities)
        result = check_conformance(
            store, LOG, model, mapping, method="alignments",
            total_budget_s=conformance_view.TOTAL_BUDGET_S, flt=to_filter(chips),
        )  # fmt: skip
        pairs = tuple((task, mapping.target(task)) for task in model.tasks)
        drawn = conformance_view.figures(
            store, LOG, chips, str(MODEL), "h", pairs, "alignments", ("skipped", "inserted")
        )
        found = conformance_view.conformance(
            store, LOG, chips, str(MODEL), "h", pairs, "alignments"
        )
        given = conformance_view.figures(
            store, LOG, chips, str(MODEL), "h", pairs, "alignments", ("skipped", "inserted"), found
        )  # the page passes the result it already has: the same figures, not checked again
        discovered = conformance_view.discovered_svg(store, LOG, chips)
    assert given["marks"] == drawn["marks"]
    assert given["outside"].equals(drawn["outside"])  # (the drawing's layout may differ)
    # the page's path (whole log checked once, weighted by the filter) equals a fresh check
    assert found["summary"]["fitness"] == pytest.approx(result.fitness, abs=1e-12)
    assert found["summary"]["precision"] == pytest.approx(result.precision, abs=1e-12)
    assert found["deviations"].to_dict("records") == result.deviations
    counts = {d["activity"]: (d["skipped"], d["inserted"]) for d in result.deviations}
    assert any(s for s, _ in counts.values())  # sepsis skips some tasks of the model
    tasks = _task_lines(drawn["svg"])
    assert set(tasks) == set(model.tasks)
    for task, (lines, fill) in tasks.items():
        skipped, inserted = counts.get(mapping.target(task) or task, (0, 0))
        assert lines[-2:] == [f"skipped {skipped:,}", f"inserted {inserted:,}"], task
        assert drawn["marks"][task] == (skipped, inserted)
        assert (fill != "#eef4fb") == (skipped + inserted > 0), task
    mapped = {mapping.target(t) for t in model.tasks}
    outside = {d["activity"]: d["inserted"] for d in result.deviations
               if d["activity"] not in mapped and d["inserted"]}  # fmt: skip
    assert (
        dict(zip(drawn["outside"]["activity"], drawn["outside"]["inserted"], strict=True))
        == outside
    )
    assert discovered.count("<title>") > 5


def test_demo_store_keeps_the_check_the_page_starts_with(sample_env: Path) -> None:
    """The demo store holds the results of the page's first check (suggested mapping, token
    replay) for every Sepsis variant, so the page replays nothing when it opens."""
    from analytics.conformance.mapping import LabelMapping
    from analytics.conformance.memo import memo_key, stored_results

    with EventStore.open(sample_env, read_only=True) as store:
        variants = variant_counts(DuckDBEngine(store), LOG)
        activities = sorted({a for v, _ in variants for a in v})
        model = load_model(MODEL, activities=activities)
        mapping = LabelMapping(dict(suggest_mapping(model.tasks, activities).labels))
        kept = stored_results(store, memo_key(model, mapping, "token-replay"))
        fresh = check_conformance(store, LOG, model, mapping, method="token-replay")
    assert set(kept) == {v for v, _ in variants}
    assert {v: (r.fitness, r.tokens) for v, r in kept.items()} == {
        r.variant: (r.fitness, r.tokens) for r in fresh.variants
    }


def test_a_wide_drawing_fits_the_page_unless_asked_at_full_size() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="5000" height="300"></svg>'
    fitted = conformance_view.svg_image(svg)
    assert 'style="max-width:100%;height:auto"' in fitted
    full = conformance_view.svg_image(svg, fit=False)
    assert 'style="max-width:none"' in full
    assert "overflow-x:auto" in full
    data = fitted.split("base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(data).decode("utf-8") == svg


def test_a_model_whose_tasks_barely_match_the_log_is_flagged_above_the_figures(
    sample_env: Path,
) -> None:
    """RequestForPayment opens on the BPI 2020 reimbursement model, whose task labels
    ('submit travel request', 'approve', ...) are not the log's activity names: the page says
    how few tasks have an activity before it shows fitness; on Sepsis, whose model uses the
    log's names, it says nothing."""
    log = "RequestForPayment"
    model = SAMPLE_LOGS / "models" / "bpic2020_reimbursement.bpmn"
    with EventStore.open(sample_env, read_only=True) as store:
        engine = DuckDBEngine(store)
        activities = sorted({a for v, _ in variant_counts(engine, log) for a in v})
    tasks = load_model(model, activities=activities).tasks
    mapped = sum(a is not None for a in suggest_mapping(tasks, activities).labels.values())
    assert 2 * mapped < len(tasks)

    at = open_page("conformance", log=log, lang="en")
    assert_clean(at)
    assert at.selectbox(key="conf_model").value.name == model.name
    assert [w.value for w in at.warning] == [
        t("conf.weak_mapping", "en", mapped=mapped, tasks=len(tasks))
    ]
    at = open_page("conformance", log=LOG, lang="en")
    assert not at.warning


def test_a_log_of_several_processes_is_flagged_until_it_is_filtered_to_the_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OA sample log holds three processes; the page opens on one's model (document
    sign-off) and says most of the log's activities are outside it, until the cases are
    filtered to that process."""
    from connectors.registry import FileOptions
    from connectors.xes import XesSource
    from proclens.loader import load

    db = tmp_path / "oa.duckdb"
    with EventStore.open(db) as store:
        load(store, XesSource(SAMPLE_LOGS / "oa_approval.xes.gz", FileOptions()), log="oa")
        activities = sorted({a for v, _ in variant_counts(DuckDBEngine(store), "oa") for a in v})
    model = load_model(SAMPLE_LOGS / "models" / "oa_document_signoff.bpmn", activities=activities)
    mapping = suggest_mapping(model.tasks, activities)
    inside = len({a for a in mapping.labels.values() if a is not None})
    outside = len(mapping.unmapped_activities(model.tasks, activities))
    assert inside == len(model.tasks) < outside  # every task found, most activities not

    monkeypatch.setenv("PROCLENS_DB", str(db))
    at = open_page("conformance", log="oa", lang="zh")
    assert_clean(at)
    assert at.selectbox(key="conf_model").value.name == "oa_document_signoff.bpmn"
    assert [w.value for w in at.warning] == [
        t("conf.other_processes", "zh", outside=outside, inside=inside)
    ]
    at = open_page("conformance", log="oa", lang="zh", f="with:Draft document")
    assert_clean(at)
    assert not at.warning

    # or by the process, a case attribute, chosen in the sidebar
    at = open_page("conformance", log="oa", lang="zh")
    at.selectbox(key="w_kind").set_value("attr").run()
    at.selectbox(key="w_value_attr").set_value("process=Document sign-off").run()
    at.button(key="w_apply").click().run()
    assert_clean(at)
    assert at.query_params["f"] in (
        ["attr:process=Document sign-off"],
        "attr:process=Document sign-off",
    )
    assert not at.warning
    flt = Filter(where=(("process", "Document sign-off"),))
    with EventStore.open(db, read_only=True) as store:
        result = check_conformance(store, "oa", model, mapping, "token-replay", flt=flt)
    assert metrics(at)[t("conf.fitness", "zh")] == f"{result.fitness:.3f}"
    assert result.fitting_cases_share > 0.5  # the design fits most of its own process' cases
