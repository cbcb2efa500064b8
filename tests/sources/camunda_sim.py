"""Simulate Camunda 7 running the invoice process and write its history tables.

Instances walk tests/data/models/camunda_invoice.v2.bpmn (start event, business rule task, user
tasks, exclusive gateways with a review loop, async service task, end events). `state_at(T)` is
what the engine's history tables hold at time T: instances started by T, activity instances
started by T, END_TIME_ only where the activity had finished by T.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from lxml import etree

from tests.conftest import DATA

BPMN = DATA / "models" / "camunda_invoice.v2.bpmn"
DDL = DATA / "camunda7" / "history.sql"
NS = {"b": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
ACT_TYPE = {"endEvent": "noneEndEvent"}  # Camunda's ACT_TYPE_ for a plain end event
ASSIGNEES = {"approveInvoice": ["mary", "peter"], "prepareBankTransfer": ["john", "ana"]}
YES_PROBABILITY = {"invoice_approved": 0.75, "reviewSuccessful_gw": 0.6}
DEF_ID = "invoice:2:c3a63aaa-2046-11e7-8f94-34f39ab71d4e"
GATEWAYS = {"exclusiveGateway"}

INSERT_PROCINST = (
    "INSERT INTO ACT_HI_PROCINST (ID_, PROC_INST_ID_, BUSINESS_KEY_, PROC_DEF_KEY_, PROC_DEF_ID_,"
    " START_TIME_, END_TIME_, STATE_) VALUES (:id, :id, :bk, 'invoice', :d, :s, :e, :state)"
)
INSERT_ACTINST = (
    "INSERT INTO ACT_HI_ACTINST (ID_, PROC_DEF_KEY_, PROC_DEF_ID_, ROOT_PROC_INST_ID_,"
    " PROC_INST_ID_, EXECUTION_ID_, ACT_ID_, TASK_ID_, ACT_NAME_, ACT_TYPE_, START_TIME_,"
    " END_TIME_, ACT_INST_STATE_, SEQUENCE_COUNTER_) VALUES (:id, 'invoice', :d, :p, :p, :p,"
    " :act, :task, :name, :type, :s, :e, :state, :seq)"
)
INSERT_TASKINST = (
    "INSERT INTO ACT_HI_TASKINST (ID_, TASK_DEF_KEY_, PROC_DEF_KEY_, PROC_DEF_ID_,"
    " PROC_INST_ID_, EXECUTION_ID_, ACT_INST_ID_, NAME_, ASSIGNEE_, START_TIME_, END_TIME_)"
    " VALUES (:t, :act, 'invoice', :d, :p, :p, :id, :name, :who, :s, :e)"
)
INSERT_VARINST = (
    "INSERT INTO ACT_HI_VARINST (ID_, PROC_DEF_KEY_, PROC_DEF_ID_, PROC_INST_ID_, EXECUTION_ID_,"
    " ACT_INST_ID_, NAME_, VAR_TYPE_, CREATE_TIME_, REV_, DOUBLE_, LONG_, TEXT_, STATE_)"
    " VALUES (:v, 'invoice', :d, :p, :p, :p, :n, :k, :s, 0, :dbl, :lng, :txt, 'CREATED')"
)


@dataclass
class Act:
    id: str
    proc_inst: str
    act_id: str
    name: str
    type: str
    start: datetime
    end: datetime
    seq: int
    task_id: str | None = None
    assignee: str | None = None


@dataclass
class Instance:
    id: str
    business_key: str
    start: datetime
    acts: list[Act] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)

    @property
    def end(self) -> datetime:
        return self.acts[-1].end


class Model:
    """Nodes and flows of the invoice process, read from the BPMN file."""

    def __init__(self, path: Path = BPMN) -> None:
        tree = etree.parse(str(path))
        process = tree.find(".//b:process[@id='invoice']", NS)
        assert process is not None
        self.nodes: dict[str, tuple[str, str]] = {}
        self.flows: dict[str, list[tuple[str, str]]] = {}
        for el in process:
            tag = etree.QName(el).localname
            if tag == "sequenceFlow":
                flow = (el.get("targetRef"), el.get("name") or "")
                self.flows.setdefault(el.get("sourceRef"), []).append(flow)
            elif tag.endswith(("Task", "Event", "Gateway", "Activity")):
                self.nodes[el.get("id")] = (tag, el.get("name") or el.get("id"))
        self.start = next(n for n, (t, _) in self.nodes.items() if t == "startEvent")


def simulate(n: int, first: datetime, days: int, seed: int, model: Model) -> list[Instance]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        start = first + timedelta(seconds=rng.randrange(days * 86400))
        out.append(_walk(model, rng, f"inv-{seed}-{i:04d}", start))
    return out


def _walk(model: Model, rng: random.Random, key: str, start: datetime) -> Instance:
    inst = Instance(str(uuid.UUID(int=rng.getrandbits(128))), key, start)
    inst.variables = {
        "amount": round(rng.uniform(30, 9000), 2),
        "creditor": rng.choice(["Great Pizza for Everyone Inc.", "Bobby's Office Supplies"]),
        "approved": False,
    }
    node, t, seq = model.start, start, 0
    while True:
        tag, name = model.nodes[node]
        dur = _duration(tag, rng)
        seq += 1
        act = Act(
            str(uuid.UUID(int=rng.getrandbits(128))),
            inst.id,
            node,
            name,
            ACT_TYPE.get(tag, tag),
            t,
            t + dur,
            seq,
        )
        if tag == "userTask":
            act.task_id = str(uuid.UUID(int=rng.getrandbits(128)))
            act.assignee = rng.choice(ASSIGNEES[node])
        inst.acts.append(act)
        t = act.end
        outgoing = model.flows.get(node, [])
        if not outgoing:
            return inst
        if len(outgoing) == 1:
            node = outgoing[0][0]
            continue
        loops = sum(a.act_id == "reviewInvoice" for a in inst.acts)
        yes = rng.random() < YES_PROBABILITY[node] or (node == "reviewSuccessful_gw" and loops > 2)
        if node == "invoice_approved":
            inst.variables["approved"] = yes
        node = next(target for target, label in outgoing if (label == "yes") == yes)


def _duration(tag: str, rng: random.Random) -> timedelta:
    if tag in ("userTask", "callActivity"):  # the review is a called process
        return timedelta(seconds=rng.randrange(600, 3 * 86400))
    if tag in ("serviceTask", "businessRuleTask"):
        return timedelta(seconds=rng.randrange(1, 900))
    return timedelta(0)


# ---- what the history tables hold at a time ------------------------------------------------


def truth(instances: list[Instance], at: datetime) -> dict[str, Act]:
    """Activity instances that are events at `at`: finished by then, not gateways."""
    return {
        a.id: a for inst in instances for a in inst.acts if a.end <= at and a.type not in GATEWAYS
    }


class HistoryDb:
    """Writes simulated history into a real database, as the engine would, incrementally."""

    def __init__(self, engine: sa.Engine, schema: str | None) -> None:
        self.engine = engine
        self.schema = schema
        self.written: dict[str, datetime | None] = {}  # activity instance id -> END_TIME_
        self.instances_written: dict[str, datetime | None] = {}

    def _prefix(self, con: sa.Connection) -> None:
        if self.schema:
            con.execute(sa.text(f"SET search_path TO {self.schema}"))

    def create(self) -> None:
        dialect = self.engine.dialect.name
        ts = "timestamp" if dialect == "postgresql" else "datetime(3)"
        double = "double precision" if dialect == "postgresql" else "double"
        ddl = DDL.read_text().replace("TS_T", ts).replace("DOUBLE_T", double)
        body = "\n".join(line for line in ddl.splitlines() if not line.startswith("--"))
        with self.engine.begin() as con:
            self._prefix(con)
            for statement in body.split(";"):
                if statement.strip():
                    con.execute(sa.text(statement))

    def sync(self, instances: list[Instance], at: datetime) -> None:
        """Bring the tables to the state at `at`: new rows inserted, finished rows updated."""
        with self.engine.begin() as con:
            self._prefix(con)
            for inst in instances:
                if inst.start <= at:
                    self._sync_instance(con, inst, at)

    def _sync_instance(self, con: sa.Connection, inst: Instance, at: datetime) -> None:
        end = inst.end if inst.end <= at else None
        if inst.id not in self.instances_written:
            con.execute(
                sa.text(INSERT_PROCINST),
                {
                    "id": inst.id,
                    "bk": inst.business_key,
                    "d": DEF_ID,
                    "s": inst.start,
                    "e": end,
                    "state": "COMPLETED" if end else "ACTIVE",
                },
            )
            self._variables(con, inst)
        elif self.instances_written[inst.id] != end:
            con.execute(
                sa.text(
                    "UPDATE ACT_HI_PROCINST SET END_TIME_ = :e, STATE_ = 'COMPLETED'"
                    " WHERE ID_ = :id"
                ),
                {"id": inst.id, "e": end},
            )
        self.instances_written[inst.id] = end
        for act in inst.acts:
            if act.start <= at:
                self._sync_act(con, act, act.end if act.end <= at else None)

    def _sync_act(self, con: sa.Connection, act: Act, end: datetime | None) -> None:
        if act.id in self.written and self.written[act.id] == end:
            return
        if act.id not in self.written:
            con.execute(
                sa.text(INSERT_ACTINST),
                {
                    "id": act.id,
                    "d": DEF_ID,
                    "p": act.proc_inst,
                    "act": act.act_id,
                    "task": act.task_id,
                    "name": act.name,
                    "type": act.type,
                    "s": act.start,
                    "e": end,
                    "state": 4 if end else 0,
                    "seq": act.seq,
                },
            )
            if act.task_id:
                con.execute(
                    sa.text(INSERT_TASKINST),
                    {
                        "t": act.task_id,
                        "act": act.act_id,
                        "d": DEF_ID,
                        "p": act.proc_inst,
                        "id": act.id,
                        "name": act.name,
                        "who": act.assignee,
                        "s": act.start,
                        "e": end,
                    },
                )
        else:
            for table, key in (("ACT_HI_ACTINST", act.id), ("ACT_HI_TASKINST", act.task_id)):
                con.execute(
                    sa.text(f"UPDATE {table} SET END_TIME_ = :e WHERE ID_ = :id"),
                    {"e": end, "id": key},
                )
        self.written[act.id] = end

    def _variables(self, con: sa.Connection, inst: Instance) -> None:
        for name, value in inst.variables.items():
            kind = {bool: "boolean", float: "double", str: "string"}[type(value)]
            con.execute(
                sa.text(INSERT_VARINST),
                {
                    "v": f"{inst.id}-{name}",
                    "d": DEF_ID,
                    "p": inst.id,
                    "n": name,
                    "k": kind,
                    "s": inst.start,
                    "dbl": value if kind == "double" else None,
                    "lng": int(value) if kind == "boolean" else None,
                    "txt": value if kind == "string" else None,
                },
            )
        # A task-scoped variable of the same name must not leak into the case attributes.
        con.execute(
            sa.text(
                "INSERT INTO ACT_HI_VARINST (ID_, PROC_INST_ID_, EXECUTION_ID_, NAME_, VAR_TYPE_,"
                " TEXT_) VALUES (:v, :p, :x, 'creditor', 'string', 'task-local value')"
            ),
            {"v": f"{inst.id}-local", "p": inst.id, "x": f"{inst.id}-exec"},
        )
