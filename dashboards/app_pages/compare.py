"""Compare: two segments side by side — key figures with the change, top variants, maps."""

from datetime import date

import streamlit as st

from dashboards import charts, compare, frame, tables
from dashboards.i18n import fmt_duration, fmt_int, fmt_pct, t
from dashboards.state import query

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.compare', lang)} · {view.log}")
whole = query("overview")
if not whole["cases"]:
    frame.empty_result(view)
first, last = (frame.parse_instant(whole[k]) for k in ("first_event", "last_event"))
by = st.radio(t("cmp.by", lang), ["period", "activity"], horizontal=True,
              format_func=lambda k: t(f"cmp.{k}", lang))  # fmt: skip
if by == "period" and first and last:
    middle = (first + (last - first) / 2).date()
    split = st.date_input(t("cmp.split", lang), value=middle, min_value=first.date(),
                          max_value=last.date())  # fmt: skip
    seg_a, seg_b = compare.period_segments(view, split if isinstance(split, date) else middle)
    names = (t("cmp.before", lang), t("cmp.after", lang))
    st.caption(t("cmp.overlap", lang))
else:
    activity = st.selectbox(t("col.activity", lang), query("activity_names"))
    seg_a, seg_b = compare.activity_segments(view, activity)
    names = (t("cmp.with", lang, activity=activity), t("cmp.without", lang, activity=activity))

stats = [compare.figures(query("overview", chips=seg)) for seg in (seg_a, seg_b)]
for column, name, mine, other in zip(st.columns(2), names, stats, (None, stats[0]), strict=True):
    column.subheader(name)
    for key, label, kind in compare.KEY_FIGURES:
        fmt = fmt_int if kind == "int" else fmt_duration
        delta = compare.change(other[key], mine[key]) if other else None
        column.metric(t(label, lang), fmt(mine[key], lang),
                      None if delta is None else fmt_pct(delta, lang),
                      delta_color="inverse" if kind == "duration" else "normal")  # fmt: skip
for column, seg in zip(st.columns(2), (seg_a, seg_b), strict=True):
    top = query("variants", 5, chips=seg)
    shown = top.assign(variant=top["variant"].map(" → ".join))
    column.dataframe(tables.table(shown, tables.TOP_VARIANTS, lang), hide_index=True)
    pmap = query("process_map", 100.0, 10.0, False, chips=seg)  # frequencies only
    if pmap["nodes"]:
        column.plotly_chart(charts.process_map_figure(pmap, "frequency",
                            lambda v: fmt_int(v, lang), width_px=480.0),
                            key=f"map-{seg_a is seg}")  # fmt: skip
