"""English and Simplified Chinese: the dashboard's words, and numbers, dates and durations.

Streamlit-free. `t(key, lang)` looks a string up; the `fmt_*` functions format values the way a
reader of that language expects ("3 d 4 h" / "3 天 4 小时", "3 Dec 2026" / "2026年12月3日").
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from functools import cache
from typing import Any, Literal

from proclens.durations import format_duration

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
    "chip.attr": ("case attribute", "案例属性"),
    "side.attr_value": ("{name} = {value} ({cases} cases)", "{name} = {value}（{cases} 个案例）"),
    "chip.start": ("starts with", "开始活动"),
    "chip.end": ("ends with", "结束活动"),
    "chip.follows": ("directly followed", "直接跟随"),
    "chip.variant": ("variant", "变体"),
    "variants.pick": ("Filter to the variants of rank", "筛选以下排名的变体"),
    "map.mode": ("Show", "显示"),
    "map.frequency": ("Frequency", "频次"),
    "map.performance": ("Performance (mean time)", "性能（平均时间）"),
    "map.activities": ("Activities shown (%)", "显示的活动 (%)"),
    "map.paths": ("Paths shown (%)", "显示的路径 (%)"),
    "map.kept": (
        "{acts} of {acts_total} activities, {paths} of {paths_total} paths",
        "{acts}/{acts_total} 个活动，{paths}/{paths_total} 条路径",
    ),
    "map.click": (
        "Click an activity or the label of a path to see its figures and filter to its cases.",
        "点击活动或路径标签，查看其指标并筛选经过它的案例。",
    ),
    "map.filter_to": ("Filter to the cases through it", "筛选经过它的案例"),
    "col.events": ("Events", "事件数"),
    "col.count": ("Count", "次数"),
    "col.mean": ("Mean", "平均"),
    "col.median": ("Median", "中位数"),
    "col.p90": ("P90", "P90"),
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
        "Cases finished per week, the share over an SLA and period-over-period change",
        "每周完成的案例、超出 SLA 的比例及环比变化",
    ),
    "map.what": ("The process map", "流程图"),
    "variants.top": ("Variants shown", "显示的变体数"),
    "variants.coverage_x": ("Top variants", "前 N 个变体"),
    "variants.coverage_y": ("Cases covered", "覆盖的案例"),
    "cycle.what": ("Cycle-time analysis", "周期时间分析"),
    "bottlenecks.what": ("Bottleneck and opportunity analysis", "瓶颈与改进机会分析"),
    "conformance.what": ("Conformance checking", "合规性检查"),
    "overview.conformance": ("Conformance (fitness)", "合规性（拟合度）"),
    "conf.source": ("Designed model", "设计模型"),
    "conf.bundled": ("Bundled with ProcLens", "ProcLens 自带"),
    "conf.upload": ("Upload BPMN / PNML", "上传 BPMN / PNML"),
    "conf.model": ("Model file", "模型文件"),
    "conf.no_models": ("No bundled models found.", "未找到自带模型。"),
    "conf.need_upload": (
        "Upload a BPMN or PNML file to check the log against it.",
        "请上传 BPMN 或 PNML 文件，以便将日志与其比对。",
    ),
    "conf.method": ("Method", "方法"),
    "conf.alignments": ("Alignments (exact, slower)", "对齐（精确，较慢）"),
    "conf.token-replay": ("Token replay (fast)", "令牌重放（快速）"),
    "conf.mapping": (
        "Activity-name mapping (model task → log activity)",
        "活动名称映射（模型任务 → 日志活动）",
    ),
    "conf.mapping_help": (
        "Suggested from the names; change a row to fix it, clear it if the task is not "
        "recorded in the log.",
        "根据名称自动建议；可修改任一行，若任务未记录在日志中请清空。",
    ),
    "conf.task": ("Model task", "模型任务"),
    "conf.score": ("Suggestion score", "建议置信度"),
    "conf.running": ("Checking the log against the model…", "正在将日志与模型比对……"),
    "conf.fitness": ("Fitness", "拟合度"),
    "conf.precision": ("Precision", "精确度"),
    "conf.fitting": ("Fitting cases", "符合模型的案例"),
    "conf.deviating": ("Deviating cases", "偏离的案例"),
    "conf.weak_mapping": (
        "Only {mapped} of the model's {tasks} tasks found a log activity: the figures below "
        "say little until the mapping is completed by hand (or the model is not this log's).",
        "模型的 {tasks} 个任务中只有 {mapped} 个对应到日志活动：在手动补全映射之前（或该模型并非"
        "此日志的模型），下面的指标参考意义有限。",
    ),
    "conf.other_processes": (
        "{outside} of the log's activities are not in the model, against {inside} that are: "
        "the log holds more than this model's process. Filter to its cases (Add filter → "
        "case attribute, or with activity) before reading the figures.",
        "日志中有 {outside} 个活动不在模型中（在模型中的有 {inside} 个）："
        "此日志不止包含该模型的流程。请先筛选出该流程的案例（添加筛选 → 案例属性或包含活动），"
        "再看下面的指标。",
    ),
    "conf.unmapped_tasks": ("Model tasks not in the log: {names}", "日志中没有的模型任务：{names}"),
    "conf.unmapped_acts": (
        "Log activities not in the model: {names}",
        "模型中没有的日志活动：{names}",
    ),
    "conf.fell_back": (
        "{n} variants ran out of search time; their fitness is approximate (a lower bound).",
        "{n} 个变体超出搜索时间，其拟合度为近似值（下限）。",
    ),
    "conf.per_activity": ("Deviations per activity", "各活动的偏差"),
    "conf.skipped": ("Skipped (in model, not in log)", "跳过（模型有、日志无）"),
    "conf.inserted": ("Inserted (in log, not in model)", "插入（日志有、模型无）"),
    "conf.over_time": (
        "Deviations over time (by month of case start)",
        "偏差随时间变化（按案例开始月份）",
    ),
    "conf.share": ("Fitting cases", "符合模型的案例"),
    "conf.mean_fitness": ("Mean case fitness", "平均案例拟合度"),
    "conf.no_deviations": ("Every case fits the model.", "所有案例都符合模型。"),
    "conf.skipped_short": ("skipped", "跳过"),
    "conf.inserted_short": ("inserted", "插入"),
    "conf.drawing": ("Drawing the models…", "正在绘制模型…"),
    "conf.designed": ("Designed model, deviations marked", "设计模型（标出偏差）"),
    "conf.designed_note": (
        "Each task shows how many cases skipped it and how often it was done out of place; "
        "the redder the task, the more deviations on it per case.",
        "每个任务标出跳过它的案例数和它在计划外被执行的次数；颜色越红，每个案例在它上面的偏差越多。",
    ),
    "conf.show_discovered": (
        "Show the model discovered from the same cases",
        "显示基于相同案例发现的模型",
    ),
    "conf.full_size": ("Designed model at full size", "原始大小的设计模型"),
    "conf.discovered": (
        "Discovered from the same cases (inductive miner)",
        "基于相同案例发现的模型（归纳挖掘）",
    ),
    "conf.outside": (
        "Activities done that are not in the model (every occurrence is an insertion):",
        "模型中没有的活动（每次出现都是一次插入）：",
    ),
    "conf.cases": ("Deviating cases and their traces", "偏离的案例及其轨迹"),
    "col.case": ("Case", "案例"),
    "col.start": ("Start", "开始"),
    "col.fitness": ("Fitness", "拟合度"),
    "col.deviations": ("Deviations", "偏差"),
    "col.trace": ("Trace", "轨迹"),
    "organisation.what": ("The organisation analysis", "组织分析"),
    "compare.what": ("Segment comparison", "分段对比"),
    "export.model": ("Discovered process model", "发现的流程模型"),
    "export.miner": ("Miner", "挖掘算法"),
    "miner.inductive": ("Inductive miner", "归纳挖掘"),
    "miner.heuristics": ("Heuristics miner", "启发式挖掘"),
    "miner.dfg": ("Directly-follows graph", "直接跟随图"),
    "export.noise": ("Noise threshold (inductive miner)", "噪声阈值（归纳挖掘）"),
    "export.discovering": ("Discovering the model…", "正在发现模型…"),
    "export.model_of": (
        "Mined from the {cases} cases of the current view (filter applied); {acts} activities.",
        "基于当前视图（已应用筛选）的 {cases} 个案例挖掘；共 {acts} 个活动。",
    ),
    "export.preview": ("Preview", "预览"),
    "export.log": ("The log", "日志"),
    "export.whole_log": (
        "The export holds the whole log; the filter chips are not applied to it.",
        "导出的是完整日志，筛选条件不会应用于导出文件。",
    ),
    "export.format": ("Format", "格式"),
    "export.prepare": ("Prepare the file", "生成文件"),
    "export.download": ("Download {name}", "下载 {name}"),
    "export.kpis": ("KPI tables (CSV)", "指标表（CSV）"),
    "data.sources": ("Workflow-system sources", "工作流系统数据源"),
    "data.no_sources": (
        "No sources declared: add them to {path} (see the README's sources section).",
        "未声明数据源：请在 {path} 中添加（见 README 的数据源一节）。",
    ),
    "data.pull_now": ("Pull now: {name}", "立即拉取：{name}"),
    "data.pulled": ("{name}: {new} new events pulled.", "{name}：已拉取 {new} 条新事件。"),
    "cycle.period": ("Trend per", "趋势周期"),
    "cycle.week": ("week", "周"),
    "cycle.month": ("month", "月"),
    "cycle.working": (
        "Working time (Mon–Fri, China holidays)",
        "工作时间（周一至周五，含中国节假日）",
    ),
    "cycle.distribution": ("Case durations", "案例耗时分布"),
    "cycle.trend": ("Cycle time by start period", "按开始周期的周期时间"),
    "cycle.days": ("days", "天"),
    "cycle.between": ("Between two activities", "两个活动之间"),
    "cycle.from": ("From", "从"),
    "cycle.to": ("To", "到"),
    "cycle.without": (
        "{a} cases without the first, {b} without the second, "
        "{c} where it comes first (not measured)",
        "{a} 个案例没有起始活动，{b} 个没有结束活动，{c} 个顺序相反（未计入）",
    ),
    "bn.activities": ("Activities by waiting time added", "按增加等待时间排序的活动"),
    "bn.transitions": ("Handovers (paths) by waiting time", "按等待时间排序的交接（路径）"),
    "bn.rework": ("Rework", "返工"),
    "bn.pingpong": ("Ping-pong between resources", "资源之间的来回"),
    "bn.opportunities": ("Redesign opportunities", "流程再设计机会"),
    "bn.saving": ("Estimated saving: {hours} hours a year", "预计每年节省 {hours} 小时"),
    "bn.total_wait": ("Total waiting", "总等待时间"),
    "bn.share": ("Share of cycle time", "占周期时间比例"),
    "org.workload": ("Workload per month", "每月工作量"),
    "org.handovers": ("Handovers between departments", "部门之间的交接"),
    "org.handovers_res": ("Handovers between resources", "资源之间的交接"),
    "org.no_departments": ("This log records no departments.", "此日志没有记录部门。"),
    "org.rules": ("Four-eyes and other rule results", "四眼原则等规则结果"),
    "org.rules_upload": ("Rules file (YAML)", "规则文件（YAML）"),
    "org.rules_help": (
        "Upload a rules YAML (four-eyes, precedes, max-time, never, must-occur; see the README) "
        "to check it on every case of the log; the sidebar filter does not narrow the rules.",
        "上传规则 YAML（四眼原则、先后顺序、最长时间、禁止、必须出现；见 README），"
        "对日志的每个案例进行检查；侧边栏筛选不作用于规则。",
    ),
    # tables (dashboards/tables.py): headers, notes and select-box placeholders
    "tbl.month": ("Month", "月份"),
    "tbl.service": ("Service time", "处理时间"),
    "tbl.mean_gap": ("Mean handover time", "平均交接时间"),
    "tbl.median_gap": ("Median handover time", "交接时间中位数"),
    "tbl.total_gap": ("Total handover time", "交接总时间"),
    "tbl.repeats": ("Repeats", "重复次数"),
    "tbl.total_loop": ("Total loop time", "循环总时间"),
    "tbl.mean_loop": ("Mean loop time", "平均循环时间"),
    "tbl.party_a": ("Resource A", "资源 A"),
    "tbl.party_b": ("Resource B", "资源 B"),
    "tbl.occurrences": ("Occurrences", "出现次数"),
    "tbl.total_pingpong": ("Total time A → B → A", "A → B → A 总时间"),
    "tbl.source": ("Source", "来源"),
    "tbl.source_kind": ("Source type", "来源类型"),
    "tbl.rows_read": ("Rows read", "读取行数"),
    "tbl.rows_loaded": ("Rows loaded", "导入行数"),
    "tbl.rows_rejected": ("Rows rejected", "拒绝行数"),
    "tbl.rows_updated": ("Rows updated", "更新行数"),
    "tbl.loaded_at": ("Loaded at", "导入时间"),
    "tbl.mode": ("Mode", "模式"),
    "tbl.status": ("Status", "状态"),
    "tbl.started_at": ("Started", "开始时间"),
    "tbl.finished_at": ("Finished", "结束时间"),
    "tbl.error": ("Error", "错误"),
    "tbl.position": ("Where", "位置"),
    "tbl.reason": ("Reason", "原因"),
    "tbl.raw": ("Row as read", "原始行"),
    "tbl.choose": ("Choose an activity", "请选择活动"),
    "tbl.choose_ranks": ("Choose ranks", "请选择排名"),
    "org.no_resources": (
        "This log records no resources, so there is no workload or handover between them.",
        "此日志没有记录执行人，因此没有工作量及执行人之间的交接。",
    ),
    "org.service_help": (
        "Service time is the time from start to end of the events; – where the log records "
        "no start times.",
        "处理时间为事件从开始到结束的时间；日志未记录开始时间时显示 –。",
    ),
    "org.unknown_department": (
        "'?' is the department name the log itself records where the department is unknown.",
        "“?”是日志本身在部门未知时记录的部门名称。",
    ),
    "overview.bottlenecks": ("Top three bottlenecks", "前三大瓶颈"),
    "overview.sla": ("SLA threshold (days)", "SLA 阈值（天）"),
    "overview.sla_help": (
        "A case is over the SLA when its duration (first start to last end) is longer.",
        "案例耗时（首个开始到最后结束）超过该阈值即视为超出 SLA。",
    ),
    "overview.weeks": ("Compare the last", "对比最近"),
    "overview.n_weeks": ("{n} weeks", "{n} 周"),
    "overview.end": ("Period ends", "期间截止"),
    "overview.end_help": (
        "The compared period ends at the last event unless you pick an earlier day; the tail "
        "of an extracted log is often thin.",
        "默认截至最后一个事件，也可选择更早的日期；导出日志的末尾数据通常较少。",
    ),
    "overview.partial_week": (
        "Partial week (data covers part of it)",
        "不完整周（数据只覆盖部分天数）",
    ),
    "overview.flow": ("Cases started and finished per week", "每周开始与完成的案例"),
    "overview.week": ("Week", "周"),
    "kpi.started": ("Cases started", "开始的案例"),
    "kpi.finished": ("Cases finished", "完成的案例"),
    "kpi.over_sla": ("Cases over SLA", "超出 SLA 的案例"),
    "kpi.in_period": ("{label}, last {weeks} weeks", "{label}（最近 {weeks} 周）"),
    "overview.sla_cases": ("{over} of {cases} cases", "{cases} 个案例中的 {over} 个"),
    "overview.wait_help": (
        "Mean wait before this activity; the median is {median}.",
        "该活动之前的平均等待时间；中位数为 {median}。",
    ),
    "overview.change": (
        "Change: the last {weeks} weeks of the data, {start} – {end}, versus the "
        "{weeks} weeks before. Cases: started in the period; events: ended "
        "in it, with their activities; variants, cycle times and the SLA share: of the cases "
        "finished in it. Cases over SLA: longer than {days} days.",
        "变化：数据最后 {weeks} 周（{start} – {end}）对比之前 "
        "{weeks} 周。案例数：该期间开始的案例；事件数：该期间结束的事件及其活动；变体、周期"
        "时间和 SLA 比例：该期间完成的案例。超出 SLA：耗时超过 {days} 天。",
    ),
    "overview.periods": (
        "Last {weeks} weeks: {current}; the {weeks} weeks before: {previous}",
        "最近 {weeks} 周：{current}；之前 {weeks} 周：{previous}",
    ),
    "report.title": ("Executive report", "管理层报告"),
    "report.download": ("Executive report (HTML)", "管理层报告（HTML）"),
    "report.prepare_pdf": ("Prepare the PDF", "生成 PDF"),
    "report.download_pdf": ("Executive report (PDF)", "管理层报告（PDF）"),
    "report.no_pdf": (
        "PDF needs headless Chromium on the server (Debian: apt-get install chromium); "
        "the HTML prints to PDF from any browser.",
        "生成 PDF 需要服务器上安装无头 Chromium（Debian：apt-get install chromium）；"
        "HTML 也可在任意浏览器中打印为 PDF。",
    ),
    "report.generated": ("Generated by ProcLens on {when}", "由 ProcLens 生成于 {when}"),
    "report.filter": ("Filter", "筛选条件"),
    "report.all_cases": ("none (all cases)", "无（全部案例）"),
    "report.kpis": ("Key figures", "关键指标"),
    "report.figure": ("Figure", "指标"),
    "report.whole": ("Whole view", "当前视图"),
    "report.last": ("Last {weeks} weeks", "最近 {weeks} 周"),
    "report.before": ("{weeks} weeks before", "之前 {weeks} 周"),
    "report.change": ("Change", "变化"),
    "report.no_model": (
        "No designed model attached: no conformance score.",
        "未附加设计模型：无合规性得分。",
    ),
    "report.none": ("None found.", "未发现。"),
    "overview.trend": ("Median cycle time per month", "每月周期时间中位数"),
    "cmp.by": ("Compare", "对比方式"),
    "cmp.period": ("before / after a date", "某日期之前 / 之后"),
    "cmp.activity": ("with / without an activity", "包含 / 不含某活动"),
    "cmp.split": ("Split date", "分界日期"),
    "cmp.before": ("Before", "之前"),
    "cmp.overlap": (
        "A case belongs to a period when it runs during it, so a case running across the "
        "split date counts on both sides.",
        "案例只要在某时段内进行即计入该时段，因此跨越分界日期的案例两边都会计入。",
    ),
    "cmp.after": ("From the date on (change vs before)", "之后（相对之前的变化）"),
    "cmp.with": ("With {activity}", "包含 {activity}"),
    "cmp.without": ("Without {activity} (change vs with)", "不含 {activity}（相对包含的变化）"),
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
    # data page
    "data.history": ("Load history", "导入历史"),
    "data.logs": ("Logs in the store", "库中的日志"),
    "data.rejected": ("Rejected rows", "被拒绝的行"),
    "data.run": ("Load run", "导入批次"),
    "data.none_rejected": ("No rows were rejected in this run.", "本批次没有被拒绝的行。"),
    "data.load_title": ("Load a file", "导入文件"),
    "data.upload": ("Upload a log file", "上传日志文件"),
    "upload.help": (
        "Press Upload to choose a file, or drop it on the box; at most {mb} MB per file.",
        "点击 “Upload” 按钮选择文件，或将文件拖放到框中；每个文件最大 {mb} MB。",
    ),
    "data.mapping_help": (
        "Which column plays which role; suggested from the column names, change any of them.",
        "各列对应的角色：根据列名自动建议，可逐一修改。",
    ),
    "role.case": ("Case id", "案例编号"),
    "role.activity": ("Activity", "活动"),
    "role.timestamp": ("Timestamp", "时间戳"),
    "role.start_timestamp": ("Start timestamp", "开始时间"),
    "role.resource": ("Resource", "执行人"),
    "role.department": ("Department", "部门"),
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
    # redesign opportunities (analytics.opportunities' figures in words)
    "opp.waiting.title": ("Shorten the wait between {a} and {b}", "缩短 {a} 与 {b} 之间的等待"),
    "opp.waiting.evidence": (
        "mean {mean}, median {median} between {a} and {b} across {cases} cases ({per_year} "
        "cases/year); the fastest quarter take under {p25}",
        "{a} 到 {b} 平均 {mean}、中位数 {median}，涉及 {cases} 个案例（每年 {per_year} 个）；"
        "最快的四分之一在 {p25} 以内",
    ),
    "opp.rework.title": ("Remove the rework loop on {activity}", "消除 {activity} 的返工循环"),
    "opp.rework.evidence": (
        "{activity} is repeated in {share} of cases ({repeats} repeats, {cases} cases); each "
        "loop takes {mean} on average",
        "{share} 的案例重复了 {activity}（重复 {repeats} 次，{cases} 个案例）；每次循环平均 {mean}",
    ),
    "opp.approval.title": (
        "Automate or drop the approval step {activity}",
        "将审批环节 {activity} 自动化或取消",
    ),
    "opp.approval.evidence": (
        "{activity} rejects {rate} of {cases} cases ({per_year} cases/year)",
        "{activity} 在 {cases} 个案例中仅驳回 {rate}（每年 {per_year} 个）",
    ),
    # values the store keeps in English, shown through `t_stored` (the English is the template
    # the stored text is matched against; its {fields} are details, kept as they are)
    "mode.new": ("new", "新建"),
    "mode.replace": ("replace", "替换"),
    "mode.append": ("append", "追加"),
    "mode.merge": ("merge", "合并"),
    "status.ok": ("ok", "成功"),
    "status.unchanged": ("unchanged", "无变化"),
    "status.failed": ("failed", "失败"),
    "where.row": ("row {n}", "第 {n} 行"),
    "where.line": ("line {n}", "第 {n} 行"),
    "where.trace_event": ("trace {trace} event {event}", "第 {trace} 条轨迹的第 {event} 个事件"),
    "where.event": ("event {n}", "事件 {n}"),
    "where.instance": ("activity instance {n}", "活动实例 {n}"),
    "reason.empty_activity": ("empty activity in column '{column}'", "列 '{column}' 中活动为空"),
    "reason.empty_case": ("empty case id in column '{column}'", "列 '{column}' 中案例编号为空"),
    "reason.empty_ts": ("empty timestamp in column '{column}'", "列 '{column}' 中时间戳为空"),
    "reason.ts_given": (
        "unparsable timestamp {value} in column '{column}' (format {fmt} from --format); "
        "pass --format (and --dayfirst) to read it",
        "无法解析列 '{column}' 中的时间戳 {value}（按 --format 指定的格式 {fmt}）；"
        "请用 --format（及 --dayfirst）指定格式",
    ),
    "reason.ts_inferred": (
        "unparsable timestamp {value} in column '{column}' (format {fmt} inferred); "
        "pass --format (and --dayfirst) to read it",
        "无法解析列 '{column}' 中的时间戳 {value}（按推断的格式 {fmt}）；"
        "请用 --format（及 --dayfirst）指定格式",
    ),
    "reason.ts_iso": (
        "unparsable timestamp {value} in column '{column}' (ISO 8601 expected); "
        "pass --format (and --dayfirst) to read it",
        "无法解析列 '{column}' 中的时间戳 {value}（应为 ISO 8601）；"
        "请用 --format（及 --dayfirst）指定格式",
    ),
    "reason.ts_xes": (
        "unparsable timestamp {value} (expected ISO 8601, e.g. {example})",
        "无法解析时间戳 {value}（应为 ISO 8601，例如 {example}）",
    ),
    "reason.start_after_end": (
        "start timestamp {start} is after end {end}",
        "开始时间 {start} 晚于结束时间 {end}",
    ),
    "reason.fields": (
        "expected {expected} fields, found {found}",
        "应有 {expected} 个字段，实际 {found} 个",
    ),
    "reason.json": ("invalid JSON: {detail}", "JSON 无效：{detail}"),
    "reason.not_object": (
        "not a JSON object (expected {{...}} a line)",
        "不是 JSON 对象（每行应为一个 {{...}}）",
    ),
    "reason.outside_trace": (
        "event outside a <trace>, so it has no case",
        "事件不在 <trace> 内，因此没有案例",
    ),
    "reason.no_activity": (
        "event has no concept:name (activity)",
        "事件缺少 concept:name（活动）",
    ),
    "reason.no_ts": ("event has no time:timestamp", "事件缺少 time:timestamp"),
    "reason.no_case": (
        "trace has no concept:name, so its events have no case id",
        "轨迹缺少 concept:name，因此其事件没有案例编号",
    ),
    "reason.no_time": ("the event has no time", "该事件没有时间"),
    "reason.duplicate_stored": (
        "exact duplicate of an event already in the log",
        "与日志中已有的事件完全重复",
    ),
    "reason.duplicate_row": ("exact duplicate of row {n}", "与第 {n} 行完全重复"),
    "reason.duplicate_line": ("exact duplicate of line {n}", "与第 {n} 行完全重复"),
    "reason.duplicate_event": ("exact duplicate of event {n}", "与事件 {n} 完全重复"),
    "reason.duplicate_instance": (
        "exact duplicate of activity instance {n}",
        "与活动实例 {n} 完全重复",
    ),
}


def t(key: str, lang: Lang, **values: Any) -> str:
    """The text of `key` in `lang`, with `{name}` placeholders filled from `values`."""
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def t_stored(text: str, family: str, lang: Lang) -> str:
    """Text the store keeps in English (a load's mode, a rejected row's reason) in `lang`: the
    first `family.*` key whose English template matches all of `text`, its {fields} filled
    with what they matched. Text no template matches is shown as stored: nothing is lost."""
    if lang == "en":
        return text
    for key, pattern in _templates(family):
        found = pattern.fullmatch(text)
        if found:
            return STRINGS[key][1].format(**found.groupdict())
    return text


@cache
def _templates(family: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, regex) for each `family.*` key: the English template's literal parts escaped,
    each {field} any text (the shortest that lets the rest match)."""
    out = []
    for key, (en, _) in STRINGS.items():
        if key.startswith(family + "."):
            parts = string.Formatter().parse(en)
            regex = "".join(
                re.escape(lit) + (f"(?P<{name}>.+?)" if name else "") for lit, name, _, _ in parts
            )
            out.append((key, re.compile(regex, re.DOTALL)))
    return tuple(out)


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


def fmt_duration(seconds: float | None, lang: Lang) -> str:
    """The two largest non-zero units: '3 d 4 h' / '3 天 4 小时'; under a second: '0 s'."""
    return format_duration(seconds, lang)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(value: date | datetime | None, lang: Lang) -> str:
    """'3 Dec 2026' / '2026年12月3日'."""
    if value is None:
        return "–"
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def fmt_change_count(delta: float | None, relative: float | None, lang: Lang) -> str | None:
    """A change of a count: '+12 (+8.1%)'; no previous value to compare: '+12'."""
    if delta is None:
        return None
    text = f"{delta:+,.0f}"
    return f"{text} ({relative * 100:+.1f}%)" if relative is not None else text


def fmt_change_duration(delta_s: float | None, lang: Lang) -> str | None:
    """A change of a duration: '+1 d 2 h' / '-3 小时'."""
    if delta_s is None:
        return None
    text = fmt_duration(delta_s, lang)
    return text if text.startswith("-") else f"+{text}"


def fmt_change_pp(delta: float | None, lang: Lang) -> str | None:
    """A change of a share, in percentage points: '+2.3 pp' / '+2.3 个百分点'."""
    if delta is None:
        return None
    return f"{delta * 100:+.1f} {'个百分点' if lang == 'zh' else 'pp'}"
