"""The tests every lab's answer table gets, written once.

A lab's test module lists, per question, the wrong answers a student might give with the
hint each must get, and one right answer::

    TABLES = {"q1": (Q1, right_answer_1), "q2": (Q2, right_answer_2)}
    test_each_wrong_answer_gets_its_own_message, test_the_table_is_long_enough_and_each_mistake_has_its_message, \\
        test_the_right_answer_passes = answer_table_tests(lab01.check, TABLES)

pytest collects the returned functions under the names the module binds them to.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import pytest

Table = Sequence[tuple[Any, str]]
Tables = Mapping[str, tuple[Table, Any]]


def cases(tables: Tables) -> list[tuple[str, int, Any, str]]:
    """Every (question, index, wrong answer, hint) of the tables, in order."""
    return [(q, i, answer, hint) for q, (table, _) in tables.items() for i, (answer, hint) in enumerate(table)]


def answer_table_tests(
    check: Callable[[str, Any], Any],
    tables: Tables,
    *,
    before_each: Callable[[], None] | None = None,
    shared_hints: Mapping[str, int] | None = None,
    at_least: int = 8,
) -> tuple[Callable[..., None], Callable[[], None], Callable[..., None]]:
    """The three tests of a lab's answer table.

    ``before_each`` resets whatever state the table's answers keep between calls;
    ``shared_hints`` says, per question, how many of its mistakes deliberately share a hint
    with another (two routes to one mistake get one message).
    """
    all_cases = cases(tables)
    shared = dict(shared_hints or {})

    @pytest.mark.parametrize("question, index, answer, hint", all_cases,
                             ids=[f"{q}-{i}" for q, i, _, _ in all_cases])
    def each_wrong_answer_gets_its_own_message(question: str, index: int, answer: Any, hint: str) -> None:
        if before_each is not None:
            before_each()
        result = check(question, answer)
        assert (result.status, result.message) == ("failed", hint)

    def the_table_is_long_enough_and_each_mistake_has_its_message() -> None:
        assert len(all_cases) >= at_least
        for question, (table, _) in tables.items():
            hints = [hint for _, hint in table]
            assert len(set(hints)) == len(hints) - shared.get(question, 0), question

    @pytest.mark.parametrize("question", list(tables))
    def the_right_answer_passes(question: str) -> None:
        if before_each is not None:
            before_each()
        assert check(question, tables[question][1]).passed

    return (each_wrong_answer_gets_its_own_message, the_table_is_long_enough_and_each_mistake_has_its_message,
            the_right_answer_passes)
