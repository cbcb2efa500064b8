from __future__ import annotations

from dashboards.view import Chip, View, view_from_query


def test_view_round_trips_through_the_query_string() -> None:
    view = View(
        log="sepsis", lang="zh", chips=(Chip("with", "ER Triage"), Chip("from", "2014-01-01"))
    )
    assert view_from_query(view.to_query()) == view


def test_malformed_or_unknown_parameters_are_dropped() -> None:
    view = view_from_query(
        {"lang": "xx", "f": ["with:A", "bogus:1", "from:not-a-date", "with:A", "to:2020-02-30"]}
    )
    assert view == View(log=None, lang="en", chips=(Chip("with", "A"),))


def test_a_new_date_bound_replaces_the_old_and_removal_works() -> None:
    view = View().with_chip(Chip("from", "2020-01-01")).with_chip(Chip("with", "A"))
    view = view.with_chip(Chip("from", "2021-01-01"))
    assert view.chips == (Chip("with", "A"), Chip("from", "2021-01-01"))
    assert view.without_chip(Chip("with", "A")).chips == (Chip("from", "2021-01-01"),)
    assert view.filter_key() == ("from:2021-01-01", "with:A")


def test_a_case_attribute_chip_is_key_equals_value_and_becomes_a_where_condition() -> None:
    from analytics.filters import Filter
    from dashboards.view import to_filter

    view = view_from_query(
        {"f": ["attr:process=Document sign-off", "attr:no condition", "attr:=x", "attr:k=a=b"]}
    )
    assert view.chips == (Chip("attr", "process=Document sign-off"), Chip("attr", "k=a=b"))
    assert to_filter(view.chips) == Filter(where=(("process", "Document sign-off"), ("k", "a=b")))
