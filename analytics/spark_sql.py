"""Translate the analytics SQL (DuckDB dialect, `?` parameters) to Spark SQL with sqlglot.

sqlglot handles most of the dialect; these transforms cover what it does not carry over:

- `list(x ORDER BY k1, k2)`: Spark's `collect_list` has no ORDER BY, so the values are
  collected as structs `(k1, k2, x)`, sorted (structs sort field by field) and unwrapped;
- `epoch_us(ts)` -> `unix_micros(ts)`;
- `list[i]` with a computed index `i` -> `element_at(list, i)` (1-based like DuckDB's `[]`:
  sqlglot shifts only literal and `array_length` indices to Spark's 0-based `[]`);
- `median(x)`, `quantile_cont(x, p)` and `percentile_cont(p) WITHIN GROUP (ORDER BY x)` ->
  `percentile(x, p)`: exact and linearly interpolated in both engines (sqlglot's own choice,
  `percentile_approx`, would give different numbers).

Anything else that does not translate should be made portable in the one shared query.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from proclens.errors import ProcLensError


class TranslationError(ProcLensError):
    """A query that cannot be run on Spark as written."""


@lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """The Spark SQL text of one DuckDB query (cached: the same text is translated once)."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise TranslationError(f"cannot parse the query for Spark: {exc}") from exc
    tree = tree.transform(_ordered_list).transform(_functions)
    return tree.sql(dialect="spark")


def _ordered_list(node: exp.Expression) -> exp.Expression:
    if not (isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order)):
        return node
    order = node.this
    keys = order.expressions
    if any(k.args.get("desc") for k in keys):
        raise TranslationError("list(... ORDER BY ... DESC) has no Spark translation; sort ASC")
    fields = [f"{k.this.sql(dialect='spark')} AS __k{i}" for i, k in enumerate(keys)]
    value = order.this.sql(dialect="spark")
    text = (
        f"TRANSFORM(SORT_ARRAY(COLLECT_LIST(STRUCT({', '.join(fields)}, {value} AS __v))), "
        "__x -> __x.__v)"
    )
    return exp.maybe_parse(text, dialect="spark")


def _functions(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        index = node.expressions[0]
        if not isinstance(index, exp.Literal) and not _is_length(index):
            return exp.Anonymous(this="ELEMENT_AT", expressions=[node.this, index])
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "epoch_us":
        return exp.Anonymous(this="UNIX_MICROS", expressions=node.expressions)
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        keys = node.expression.expressions if isinstance(node.expression, exp.Order) else []
        if len(keys) != 1 or keys[0].args.get("desc"):
            raise TranslationError("percentile_cont needs exactly one ascending ORDER BY key")
        return _percentile(keys[0].this, node.this.this)
    if isinstance(node, exp.Median):
        return _percentile(node.this, exp.Literal.number(0.5))
    if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
        return _percentile(node.this, node.expression)
    return node


def _is_length(index: exp.Expression) -> bool:
    """`array_length(x)`, which sqlglot's parser has already shifted to `size(x) + -1`."""
    return isinstance(index, exp.Add) and isinstance(index.this, exp.ArraySize)


def _percentile(value: exp.Expression, fraction: exp.Expression) -> exp.Expression:
    # a replaced node's children are not visited again by transform(): translate them here
    return exp.Anonymous(this="PERCENTILE", expressions=[value.transform(_functions), fraction])
