"""English and Simplified Chinese: the dashboard's words, and numbers, dates and durations.

Streamlit-free. `t(key, lang)` looks a string up; the `fmt_*` functions format values the way a
reader of that language expects ("3 d 4 h" / "3 天 4 小时", "3 Dec 2026" / "2026年12月3日").
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
LANG_NAMES: dict[Lang, str] = {"en": "English", "zh": "简体中文"}

STRINGS: dict[str, tuple[str, str]] = {
    # navigation
    "page.overview": ("Overview", "概览"),
    "page.process_map": ("Process map", "流程图"),
    "page.variants": ("Variants", "变体"),
    "page.cycle_times": ("Cycle times", "周期时间"),
    "page.bottlenecks": ("Bottlenecks & opportunities", "瓶颈与改进机会"),
    "page.conformance": ("Conformance", "合规性"),
    "page.organisation": ("Organisation", "组织"),
    "page.compare": ("Compare", "对比"),
    "page.data": ("Data", "数据"),
    "page.export": ("Export", "导出"),
    # sidebar
    "side.log": ("Log", "日志"),
    "side.language": ("Language", "语言"),
    "side.filter": ("Filter", "筛选"),
    "side.add": ("Add filter", "添加筛选"),
    "side.kind": ("Filter on", "筛选条件"),
    "side.value": ("Value", "取值"),
    "side.apply": ("Apply", "应用"),
    "side.clear": ("Clear all", "全部清除"),
    "side.no_filter": ("No filter: all cases.", "未筛选：全部案例。"),
    "side.remove": ("Remove", "移除"),
    "chip.from": ("from", "起始于"),
    "chip.to": ("until", "截止于"),
    "chip.with": ("with activity", "包含活动"),
    "chip.without": ("without activity", "不含活动"),
    "chip.start": ("starts with", "开始活动"),
    "chip.end": ("ends with", "结束活动"),
    # figures
    "kpi.cases": ("Cases", "案例数"),
    "kpi.events": ("Events", "事件数"),
    "kpi.activities": ("Activities", "活动数"),
    "kpi.variants": ("Variants", "变体数"),
    "kpi.median": ("Median cycle time", "周期时间中位数"),
    "kpi.mean": ("Mean cycle time", "平均周期时间"),
    "kpi.p90": ("P90 cycle time", "周期时间 P90"),
    "kpi.span": ("Period", "时间范围"),
    "kpi.start_acts": ("Start activities", "开始活动"),
    "kpi.end_acts": ("End activities", "结束活动"),
    "col.activity": ("Activity", "活动"),
    "col.cases": ("Cases", "案例数"),
    "col.share": ("Share", "占比"),
    "col.coverage": ("Coverage", "累计覆盖"),
    "col.variant": ("Variant", "变体"),
    "col.steps": ("Steps", "步数"),
    "overview.trends": (
        "The cycle-time trend, cases started and finished per week, the SLA share, the top "
        "bottlenecks and period-over-period change",
        "周期时间趋势、每周开始和完成的案例、超出 SLA 的比例、主要瓶颈及环比变化",
    ),
    "map.what": ("The process map", "流程图"),
    "variants.durations": ("Variant durations", "变体耗时"),
    "variants.top": ("Variants shown", "显示的变体数"),
    "variants.coverage_x": ("Top variants", "前 N 个变体"),
    "variants.coverage_y": ("Cases covered", "覆盖的案例"),
    "cycle.what": ("Cycle-time analysis", "周期时间分析"),
    "bottlenecks.what": ("Bottleneck and opportunity analysis", "瓶颈与改进机会分析"),
    "conformance.what": ("Conformance checking", "合规性检查"),
    "organisation.what": ("The organisation analysis", "组织分析"),
    "compare.what": ("Segment comparison", "分段对比"),
    "export.what": ("Model and report export", "模型与报告导出"),
    "data.mapping": ("Column mapping with suggestions", "带建议的列映射"),
    "data.sources": ("Workflow-system sources", "工作流系统数据源"),
    # messages
    "msg.no_store": (
        "No event store at {path}. Load a log with 'proclens ingest FILE --db {path}' or "
        "start 'proclens demo'.",
        "{path} 处没有事件库。请先用 'proclens ingest FILE --db {path}' 导入日志，或运行 "
        "'proclens demo'。",
    ),
    "msg.no_logs": (
        "The store has no logs yet. Load one on the Data page or with 'proclens ingest FILE'.",
        "事件库中还没有日志。请在“数据”页面或用 'proclens ingest FILE' 导入。",
    ),
    "msg.empty_filter": (
        "No case matches the current filter. Remove a filter chip in the sidebar.",
        "没有案例符合当前筛选条件。请在侧边栏移除筛选条件。",
    ),
    "msg.busy": (
        "A load is writing to the store right now; showing the data as of the last finished "
        "load. The page updates when the load ends.",
        "正在向事件库写入数据；当前显示上一次导入完成时的数据，导入结束后页面会更新。",
    ),
    "msg.not_yet": (
        "{what} is not available yet: the analytics it needs have not landed in this build.",
        "{what} 暂不可用：所需的分析功能尚未包含在此版本中。",
    ),
    "msg.filter_not_yet": (
        "Filters are recorded in the link but not applied yet: the analytics filter has not "
        "landed in this build.",
        "筛选条件已记录在链接中，但尚未生效：此版本还没有分析筛选功能。",
    ),
    # data page
    "data.history": ("Load history", "导入历史"),
    "data.logs": ("Logs in the store", "库中的日志"),
    "data.rejected": ("Rejected rows", "被拒绝的行"),
    "data.run": ("Load run", "导入批次"),
    "data.none_rejected": ("No rows were rejected in this run.", "本批次没有被拒绝的行。"),
    "data.load_title": ("Load a file", "导入文件"),
    "data.upload": ("Upload a log file", "上传日志文件"),
    "data.path": ("…or the path of a file on this machine", "……或本机上的文件路径"),
    "data.preview": ("Preview", "预览"),
    "data.load": ("Load into the store", "导入事件库"),
    "data.loaded": (
        "{log}: read {read} rows, loaded {loaded}, rejected {rejected}.",
        "{log}：读取 {read} 行，导入 {loaded} 行，拒绝 {rejected} 行。",
    ),
    "data.no_connector": (
        "No connector for this file type in this build (module {name} is missing).",
        "此版本没有该文件类型的连接器（缺少模块 {name}）。",
    ),
    "data.read_only": (
        "The dashboard opens the store read-only. Load files with "
        "'proclens ingest FILE --db {path}'; this page picks up the new data when the load ends.",
        "看板以只读方式打开事件库。请用 'proclens ingest FILE --db {path}' 导入文件；"
        "导入结束后本页会自动显示新数据。",
    ),
}


def t(key: str, lang: Lang, **values: Any) -> str:
    """The text of `key` in `lang`, with `{name}` placeholders filled from `values`."""
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def fmt_int(value: int | float | None, lang: Lang) -> str:
    """Whole numbers with thousands separators (both languages group by three)."""
    if value is None:
        return "–"
    return f"{round(value):,}"


def fmt_pct(share: float | None, lang: Lang, digits: int = 1) -> str:
    """A share 0..1 as a percentage."""
    if share is None:
        return "–"
    return f"{share * 100:.{digits}f}%"


_UNITS: tuple[tuple[int, str, str], ...] = (
    (86400, "d", "天"),
    (3600, "h", "小时"),
    (60, "min", "分钟"),
    (1, "s", "秒"),
)


def fmt_duration(seconds: float | None, lang: Lang) -> str:
    """The two largest non-zero units: '3 d 4 h' / '3 天 4 小时'; under a second: '0 s'."""
    if seconds is None:
        return "–"
    rest = round(abs(seconds))
    parts: list[str] = []
    for size, en, zh in _UNITS:
        count, rest = divmod(rest, size)
        if count or parts:
            if count:
                parts.append(f"{count} {zh if lang == 'zh' else en}")
            if len(parts) == 2 or (parts and not count):
                break
    if not parts:
        parts.append("0 秒" if lang == "zh" else "0 s")
    sign = "-" if seconds < 0 else ""
    return sign + " ".join(parts)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(value: date | datetime | None, lang: Lang) -> str:
    """'3 Dec 2026' / '2026年12月3日'."""
    if value is None:
        return "–"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
