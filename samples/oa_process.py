"""The designed OA (office automation) approval processes, declared once as data.

Three processes: leave request, expense reimbursement, document sign-off. Each is: a submit
task, approval stages in order (some only under a condition), finishing tasks, end. Every
approval decides approve / return for revision (then a revise task and the same approval
again) / reject (then "Notify rejection", end). The generator (`samples.oa_generator`) walks
these definitions and the BPMN builder (`samples.oa_bpmn`) draws them, so the model's task
labels are exactly the log's activity names, in English and in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal

Lang = Literal["en", "zh"]
LANGS: Final = ("en", "zh")
Attrs = dict[str, Any]


@dataclass(frozen=True)
class Label:
    en: str
    zh: str

    def text(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Stage:
    """One approval step: who decides, how long it waits, how often it returns or rejects."""

    key: str
    label: Label
    role: str  # "manager" (the applicant's department manager) or a pool in ROLES
    wait_hours: float  # mean working hours the request waits before the decision
    p_return: float
    p_reject: float
    revise: Label | None = None  # the applicant's task after a return; None: no return
    condition: Label | None = None  # shown on the gateway; None: always
    applies: Callable[[Attrs], bool] | None = None


@dataclass(frozen=True)
class Task:
    key: str
    label: Label
    role: str
    wait_hours: float


@dataclass(frozen=True)
class Process:
    key: str
    label: Label
    weight: float  # share of cases
    submit: Label
    stages: tuple[Stage, ...]
    finish: tuple[Task, ...]
    model_file: str  # sample_logs/models/<model_file>.bpmn (and .zh.bpmn)


NOTIFY_REJECTION: Final = Label("Notify rejection", "通知驳回")
APPROVED: Final = Label("Approved", "已通过")
REJECTED: Final = Label("Rejected", "已驳回")

LEAVE = Process(
    key="leave_request",
    label=Label("Leave request", "请假申请"),
    weight=0.40,
    submit=Label("Submit leave request", "提交请假申请"),
    stages=(
        Stage("supervisor", Label("Supervisor approval", "直属主管审批"), "manager", 5.0,
              0.10, 0.05, revise=Label("Revise leave request", "修改请假申请")),
        Stage("hr", Label("HR approval", "人事审批"), "hr", 8.0, 0.0, 0.06,
              condition=Label("more than 3 days", "超过3天"), applies=lambda a: a["days"] > 3),
    ),
    finish=(Task("record", Label("Record leave", "登记休假"), "hr_clerk", 4.0),),
    model_file="oa_leave_request",
)  # fmt: skip

EXPENSE = Process(
    key="expense_reimbursement",
    label=Label("Expense reimbursement", "费用报销"),
    weight=0.40,
    submit=Label("Submit expense claim", "提交报销申请"),
    stages=(
        Stage("manager", Label("Department manager approval", "部门经理审批"), "manager", 7.0,
              0.12, 0.04, revise=Label("Revise expense claim", "修改报销申请")),
        Stage("finance", Label("Finance review", "财务审核"), "finance", 10.0, 0.15, 0.03,
              revise=Label("Supplement receipts", "补充票据")),
        Stage("cfo", Label("CFO approval", "财务总监审批"), "cfo", 12.0, 0.0, 0.08,
              condition=Label("amount over 5000", "金额超过5000"),
              applies=lambda a: a["amount"] > 5000),
    ),
    finish=(Task("pay", Label("Pay reimbursement", "支付报销款"), "cashier", 16.0),),
    model_file="oa_expense_reimbursement",
)  # fmt: skip

DOCUMENT = Process(
    key="document_signoff",
    label=Label("Document sign-off", "公文签批"),
    weight=0.20,
    submit=Label("Draft document", "起草公文"),
    stages=(
        Stage("head", Label("Department head review", "部门负责人审核"), "manager", 6.0,
              0.15, 0.03, revise=Label("Revise document", "修改公文")),
        Stage("legal", Label("Legal review", "法务审核"), "legal", 14.0, 0.20, 0.05,
              revise=Label("Revise contract terms", "修改合同条款"),
              condition=Label("contract", "合同类"), applies=lambda a: a["doc_kind"] == "contract"),
        Stage("gm", Label("General manager sign-off", "总经理签发"), "gm", 9.0, 0.0, 0.04),
    ),
    finish=(Task("archive", Label("Archive document", "公文归档"), "secretary", 3.0),),
    model_file="oa_document_signoff",
)  # fmt: skip

PROCESSES: Final = (LEAVE, EXPENSE, DOCUMENT)

#: Deviations from the design, made on purpose so that conformance checking finds something.
#: key -> (process, probability, description). Two break the control flow (token replay and
#: alignments find them); skipped_hr_approval breaks a data rule (the model lets a short leave
#: bypass HR approval, so only a check of `days` against the path finds it).
DEVIATIONS: Final[dict[str, tuple[str, float, str]]] = {
    "skipped_manager_approval": (
        "expense_reimbursement", 0.03,
        "Department manager approval skipped: the claim goes straight to Finance review"),
    "skipped_hr_approval": (
        "leave_request", 0.05, "HR approval skipped although the leave is longer than 3 days"),
    "archived_before_signoff": (
        "document_signoff", 0.02, "Archive document happens before General manager sign-off"),
}  # fmt: skip

DEPARTMENTS: Final = (
    Label("Sales", "销售部"), Label("Finance", "财务部"), Label("Human Resources", "人力资源部"),
    Label("IT", "信息技术部"), Label("Operations", "运营部"), Label("Legal", "法务部"),
    Label("R&D", "研发部"), Label("Marketing", "市场部"),
)  # fmt: skip

#: role -> (department index, number of people); "manager" is each department's head
ROLES: Final[dict[str, tuple[int, int]]] = {
    "hr": (2, 2), "hr_clerk": (2, 2), "finance": (1, 3), "cfo": (1, 1), "cashier": (1, 2),
    "legal": (5, 2), "gm": (4, 1), "secretary": (4, 2),
}  # fmt: skip

FAMILY_EN: Final = ("Chen", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou",
                    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo")  # fmt: skip
FAMILY_ZH: Final = ("陈", "王", "李", "张", "刘", "杨", "黄", "赵", "吴", "周",
                    "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "高", "罗")  # fmt: skip
GIVEN_EN: Final = ("Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Hui", "Qiang", "Li",
                   "Ping", "Gang", "Xiu", "Ming", "Hong", "Tao")  # fmt: skip
GIVEN_ZH: Final = ("伟", "芳", "敏", "静", "磊", "燕", "军", "慧", "强", "丽",
                   "平", "刚", "秀", "明", "红", "涛")  # fmt: skip

LEAVE_TYPES: Final = (Label("annual", "年假"), Label("sick", "病假"), Label("personal", "事假"))
DOC_TYPES: Final = ("notice", "contract", "report")
DOC_TYPE_LABELS: Final = {"notice": Label("notice", "通知"), "contract": Label("contract", "合同"),
                          "report": Label("report", "报告")}  # fmt: skip


def activities(process: Process, lang: Lang) -> list[str]:
    """Every activity name a case of `process` can have, in design order."""
    names = [process.submit.text(lang)]
    for stage in process.stages:
        names.append(stage.label.text(lang))
        if stage.revise is not None:
            names.append(stage.revise.text(lang))
    names += [t.label.text(lang) for t in process.finish]
    names.append(NOTIFY_REJECTION.text(lang))
    return names
