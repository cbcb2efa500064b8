"""The current view — log, language and filter chips — and its form in the URL query string.

Streamlit-free. The page itself is the URL path (st.navigation); everything else is a query
parameter, so a copied link reproduces what the sender saw:
    /variants?log=sepsis&lang=zh&f=with:ER+Triage&f=from:2014-01-01
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from analytics.filters import Filter
from dashboards.i18n import Lang

#: Filter chip kinds, in the order the sidebar offers them.
CHIP_KINDS: tuple[str, ...] = (
    "from", "to", "with", "without", "start", "end", "attr", "follows", "variant",
)  # fmt: skip
#: Kinds added from a page (a path clicked on the map, a variant picked), not the sidebar.
PAGE_KINDS = frozenset({"follows", "variant"})
#: How a directly-follows chip writes its pair: "A → B".
ARROW = " → "
#: How a case-attribute chip writes its condition: "process=Document sign-off".
EQUALS = "="
DATE_KINDS = frozenset({"from", "to"})


@dataclass(frozen=True)
class Chip:
    """One filter condition: kind (see CHIP_KINDS) and its value (activity, ISO date, or a
    case attribute's `key=value`)."""

    kind: str
    value: str

    def encode(self) -> str:
        return f"{self.kind}:{self.value}"

    @classmethod
    def decode(cls, text: str) -> Chip | None:
        """`kind:value` -> Chip; anything malformed (a hand-edited link) is dropped."""
        kind, sep, value = text.partition(":")
        if not sep or kind not in CHIP_KINDS or not value:
            return None
        if kind == "follows" and ARROW not in value:
            return None
        if kind == "attr":
            key, equals, _ = value.partition(EQUALS)
            if not key or not equals:
                return None
        if kind in DATE_KINDS:
            try:
                date.fromisoformat(value)
            except ValueError:
                return None
        return cls(kind, value)


@dataclass(frozen=True)
class View:
    log: str | None = None
    lang: Lang = "en"
    chips: tuple[Chip, ...] = field(default_factory=tuple)

    def with_chip(self, chip: Chip) -> View:
        """Add a chip; a date bound replaces the previous bound of the same kind."""
        replaces_bound = chip.kind in DATE_KINDS
        kept = tuple(
            c for c in self.chips if c != chip and not (replaces_bound and c.kind == chip.kind)
        )
        return replace(self, chips=(*kept, chip))

    def without_chip(self, chip: Chip) -> View:
        return replace(self, chips=tuple(c for c in self.chips if c != chip))

    def filter_key(self) -> tuple[str, ...]:
        """Hashable, order-independent identity of the filter, for cache keys."""
        return tuple(sorted(c.encode() for c in self.chips))

    def to_query(self) -> dict[str, str | list[str]]:
        query: dict[str, str | list[str]] = {"lang": self.lang}
        if self.log:
            query["log"] = self.log
        if self.chips:
            query["f"] = [c.encode() for c in self.chips]
        return query


def view_from_query(params: Mapping[str, str | Sequence[str]]) -> View:
    """Parse query parameters (single values or lists); unknown or malformed parts are ignored."""

    def values(name: str) -> list[str]:
        raw = params.get(name)
        if raw is None:
            return []
        return [raw] if isinstance(raw, str) else list(raw)

    lang_values = values("lang")
    lang: Lang = "zh" if lang_values and lang_values[-1] == "zh" else "en"
    logs = values("log")
    chips: list[Chip] = []
    for text in values("f"):
        chip = Chip.decode(text)
        if chip is not None and chip not in chips:
            chips.append(chip)
    return View(log=logs[-1] if logs else None, lang=lang, chips=tuple(chips))


def to_filter(chips: Sequence[Chip]) -> Filter:
    """The analytics Filter of the chips: kinds combine with AND; an 'until' date is inclusive."""
    values: dict[str, list[str]] = {kind: [] for kind in CHIP_KINDS}
    for chip in chips:
        values[chip.kind].append(chip.value)
    return Filter(
        start=_day(values["from"][-1]) if values["from"] else None,
        end=_day(values["to"][-1]) + timedelta(days=1) if values["to"] else None,
        with_activity=tuple(values["with"]),
        without_activity=tuple(values["without"]),
        start_activity=tuple(values["start"]),
        end_activity=tuple(values["end"]),
        follows=tuple(_pair(v) for v in values["follows"]),
        variants=tuple(tuple(v.split(ARROW)) for v in values["variant"]),
        where=tuple(_attribute(v) for v in values["attr"]),
    )


def _attribute(text: str) -> tuple[str, str]:
    key, _, value = text.partition(EQUALS)
    return key, value


def _pair(text: str) -> tuple[str, str]:
    a, _, b = text.partition(ARROW)
    return a, b


def _day(text: str) -> datetime:
    return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
