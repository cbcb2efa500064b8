"""Model task labels -> log activities: suggestions, a small YAML file, and applying it.

Suggestions first match names after normalisation (case, punctuation, spaces), then fuzzily
(rapidfuzz token-sort ratio, score >= `cutoff`), one task per activity, the best-scoring pair
first. The token-set ratio scored a shared word alone as a match: four tasks of the BPI 2020
model scored 64-73 against 'Request Payment' and all were suggested it. The user edits the
file and passes it back with --mapping. A task mapped to null is not in the log (it can only
be skipped).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from proclens.errors import ConfigError

DEFAULT_CUTOFF = 60.0


@dataclass
class LabelMapping:
    labels: dict[str, str | None] = field(default_factory=dict)  # model label -> log activity
    scores: dict[str, float] = field(default_factory=dict)  # suggestion confidence, 0..100

    def target(self, label: str) -> str | None:
        return self.labels.get(label, label)

    def unmapped_tasks(self, tasks: list[str], activities: list[str]) -> list[str]:
        known = set(activities)
        return sorted(t for t in tasks if self.target(t) not in known)

    def unmapped_activities(self, tasks: list[str], activities: list[str]) -> list[str]:
        used = {self.target(t) for t in tasks}
        return sorted(a for a in activities if a not in used)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def suggest_mapping(
    tasks: list[str], activities: list[str], cutoff: float = DEFAULT_CUTOFF
) -> LabelMapping:
    from rapidfuzz import fuzz, process

    by_norm = {normalise(a): a for a in activities}
    result = LabelMapping(dict.fromkeys(tasks), dict.fromkeys(tasks, 0.0))
    for task in tasks:
        exact = by_norm.get(normalise(task))
        if exact is not None:
            result.labels[task], result.scores[task] = exact, 100.0
    taken = {a for a in result.labels.values() if a is not None}
    choices = {a: normalise(a) for a in activities if a not in taken}
    candidates = [
        (round(float(score), 1), k, str(activity), task)
        for k, task in enumerate(tasks)
        if result.labels[task] is None
        for _, score, activity in process.extract(
            normalise(task), choices, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
            limit=None,
        )
    ]  # fmt: skip
    # best score first; ties: the earlier task, then the activity's name
    for score, _, activity, task in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if result.labels[task] is None and activity not in taken:
            result.labels[task], result.scores[task] = activity, score
            taken.add(activity)
    return result


def exact_mapping(tasks: list[str], activities: list[str]) -> LabelMapping:
    """The mapping used without a file: same name after normalisation, else unchanged."""
    by_norm = {normalise(a): a for a in activities}
    return LabelMapping({t: by_norm.get(normalise(t), t) for t in tasks})


def mapping_for(path: Path | None, tasks: list[str], activities: list[str]) -> LabelMapping:
    """The mapping a check uses: the file's (`--mapping`), else `exact_mapping`."""
    return load_mapping(path) if path else exact_mapping(tasks, activities)


def save_mapping(mapping: LabelMapping, path: Path, model: str = "", log: str = "") -> None:
    lines = [
        "# ProcLens label mapping: model task label -> log activity.",
        "# Edit freely; null means the task is not recorded in the log.",
        "# score: how sure the suggestion was (100 = same name), for review only.",
    ]
    data: dict[str, Any] = {"model": model, "log": log, "mapping": dict(mapping.labels)}
    if mapping.scores:
        data["score"] = dict(mapping.scores)
    text = "\n".join(lines) + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def load_mapping(path: Path) -> LabelMapping:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the mapping file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    labels = data.get("mapping") if isinstance(data, dict) else None
    if not isinstance(labels, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in labels.items()
    ):
        raise ConfigError(
            f"{path}: expected a 'mapping:' section of 'model task: log activity' pairs "
            "(null for tasks not in the log); create one with 'proclens suggest-mapping'"
        )
    return LabelMapping(dict(labels))


def relabel(model: Any, mapping: LabelMapping) -> Any:
    """A copy of the model whose visible transitions carry the mapped log activities.

    Tasks mapped to null keep their model label (they can then only be model moves).
    """
    out = copy.copy(model)
    out.net, out.im, out.fm = copy.deepcopy((model.net, model.im, model.fm))
    for t in out.net.transitions:
        if t.label is not None:
            t.label = mapping.target(t.label) or t.label
    for attr in ("compiled", "graph", "soundness"):
        out.__dict__.pop(attr, None)
    out.lanes = {
        lane: [mapping.target(t) or t for t in tasks] for lane, tasks in model.lanes.items()
    }
    return out
