"""Model import: every BPMN file of the test suite, PNML, XXE refusal, untranslatable constructs."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.conformance.bpmn import read_bpmn
from analytics.conformance.model import load_model
from proclens.errors import ModelError
from tests.conftest import DATA, SAMPLE_LOGS

BPMN_FILES = sorted((DATA / "models" / "bpmn").glob("*.bpmn")) + sorted(
    (DATA / "models" / "bpmn").glob("*.bpmn20.xml")
)
#: files that must fail, with the element the error must name
UNTRANSLATABLE = {
    "miwg_C.6.0.bpmn": ("intermediateThrowEvent", "_6a5cdbbf-2618-496e-b728-955dc215ef9d"),
    "miwg_C.9.0.bpmn": ("subProcess", "Activity_1ke2ixr"),
}


def test_the_walk_covers_every_file() -> None:
    assert len(BPMN_FILES) == 16


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_every_bpmn_file_imports_sound_or_names_the_element(path: Path) -> None:
    if path.name in UNTRANSLATABLE:
        kind, element = UNTRANSLATABLE[path.name]
        with pytest.raises(ModelError, match=rf"{kind} '{element}'"):
            load_model(path)
        return
    bpmn = read_bpmn(path)
    for proc in bpmn.processes:  # every pool, not only the default one
        model = load_model(path, process=proc.id)
        assert model.soundness.sound, (proc.id, model.soundness.describe())
        assert model.tasks == proc.task_labels()
        assert len(model.compiled.places) == len(model.net.places)


def test_camunda_invoice_lanes_and_call_activity() -> None:
    model = load_model(DATA / "models" / "bpmn" / "camunda_invoice.v1.bpmn")
    assert model.lanes["Accountant"] == ["Prepare Bank Transfer", "Archive Invoice"]
    assert "Review Invoice" in model.tasks  # a callActivity is one task
    assert model.gateways == 2


def test_pizza_collaboration_default_pool_follows_the_log() -> None:
    path = DATA / "models" / "bpmn" / "bpmnio_pizza-collaboration.bpmn"
    vendor = read_bpmn(path).processes[0]
    model = load_model(path, activities=vendor.task_labels())
    assert model.process_id == vendor.id
    with pytest.raises(ModelError, match="no process or pool 'Kitchen'"):
        load_model(path, process="Kitchen")


XXE = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p"><bpmn:task id="t" name="&xxe;"/><bpmn:task id="u">&xxe;</bpmn:task>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize("suffix", [".bpmn", ".pnml"])
def test_external_entities_and_dtds_are_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"evil{suffix}"
    path.write_text(XXE, encoding="utf-8")
    with pytest.raises(ModelError, match=r"DOCTYPE|external entity") as info:
        load_model(path)
    assert "root:" not in str(info.value)
    path.write_text(XXE.replace('name="&xxe;"', 'name="x"'), encoding="utf-8")
    with pytest.raises(ModelError, match="DOCTYPE"):
        load_model(path)


def test_untranslatable_constructs_name_the_element(tmp_path: Path) -> None:
    path = tmp_path / "complex.bpmn"
    path.write_text(
        """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
        <process id="p"><startEvent id="s"/><complexGateway id="cg"/><endEvent id="e"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="cg"/>
        <sequenceFlow id="f2" sourceRef="cg" targetRef="e"/></process></definitions>""",
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="complexGateway 'cg'"):
        load_model(path)


def test_parallel_ends_without_join_are_reported_not_sound(tmp_path: Path) -> None:
    path = tmp_path / "ends.bpmn"
    path.write_text(
        """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
        <process id="p"><startEvent id="s"/><parallelGateway id="g"/>
        <task id="a" name="A"/><task id="b" name="B"/><endEvent id="e1"/><endEvent id="e2"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="g"/>
        <sequenceFlow id="f2" sourceRef="g" targetRef="a"/>
        <sequenceFlow id="f3" sourceRef="g" targetRef="b"/>
        <sequenceFlow id="f4" sourceRef="a" targetRef="e1"/>
        <sequenceFlow id="f5" sourceRef="b" targetRef="e2"/></process></definitions>""",
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="not sound"):
        load_model(path)


def test_pnml_and_its_errors(tmp_path: Path) -> None:
    model = load_model(DATA / "12-alignment-silent-transition-fitness" / "input.pnml")
    assert model.soundness.sound
    assert len(model.tasks) == 5
    broken = tmp_path / "broken.pnml"
    broken.write_text("<pnml><net id='n'><page id='p'>", encoding="utf-8")
    with pytest.raises(ModelError, match="not well-formed"):
        load_model(broken)


def test_sample_models_import() -> None:
    sepsis = load_model(SAMPLE_LOGS / "models" / "sepsis.bpmn")
    assert len(sepsis.tasks) == 16
    assert sepsis.soundness.sound
    reimb = load_model(SAMPLE_LOGS / "models" / "bpic2020_reimbursement.bpmn")
    assert set(reimb.lanes) == {"Employee", "Travel Administration", "Budget Owner",
                                "Supervisor", "Director"}  # fmt: skip


def test_copies_match_the_shared_model_folder() -> None:
    shared = next(
        (
            p / "shared" / "data" / "models" / "bpmn"
            for p in DATA.parents
            if (p / "shared").is_dir()
        ),
        None,
    )
    if shared is None or not shared.is_dir():
        pytest.skip("../shared/data is not on this machine")
    for original in shared.iterdir():
        copy = DATA / "models" / "bpmn" / original.name
        assert copy.read_bytes() == original.read_bytes(), original.name
