"""The pure build model: notation, steps, refusals under the engine's limits, undo, averages."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from nazh import dice
from nazh.builder import Build, Op, Step, StepRefused, Term
from nazh.builder.model import MAX_HISTORY, MAX_TERMS
from nazh.builder.summary import summarize
from nazh.dice import FATE


def steps(build: Build, *taken: Step) -> Build:
    for step in taken:
        build = build.apply(step)
    return build


ADVANTAGE_PLUS_D4_PLUS_5 = (
    Step(Op.DIE, 20),
    Step(Op.ADVANTAGE),
    Step(Op.DIE, 4),
    *[Step(Op.MODIFIER, 1)] * 5,
)


def test_building_advantage_plus_d4_plus_5() -> None:
    build = steps(Build(), *ADVANTAGE_PLUS_D4_PLUS_5)
    assert build.notation == "2d20kh1 + 1d4 + 5"
    assert build.term == Term(4)
    expression = build.expression()
    assert expression is not None
    assert expression.text == build.notation
    assert (expression.minimum, expression.maximum) == (7, 29)


def test_every_notation_the_model_writes_is_what_the_engine_normalises_to() -> None:
    build = steps(
        Build(),
        Step(Op.DIE, 6),
        Step(Op.MORE),
        Step(Op.MORE),
        Step(Op.EXPLODE),
        Step(Op.KEEP, 2),
        Step(Op.DIE, FATE),
        Step(Op.MORE),
        Step(Op.DIE, 20),
        Step(Op.DISADVANTAGE),
        Step(Op.MODIFIER, -5),
        Step(Op.MODIFIER, -1),
    )
    assert build.notation == "3d6!kh2 + 2dF + 2d20kl1 - 6"
    assert dice.parse(build.notation).text == build.notation


def test_fewer_at_one_die_removes_the_term_and_moves_the_selection() -> None:
    build = steps(Build(), Step(Op.DIE, 8), Step(Op.DIE, 10), Step(Op.DIE, 8))
    assert build.selected == 0
    build = build.apply(Step(Op.FEWER))
    assert build.notation == "1d10"
    assert build.term == Term(10)
    build = build.apply(Step(Op.FEWER))
    assert build.empty
    assert build.term is None


def test_fewer_dice_than_kept_drops_the_keep() -> None:
    build = steps(Build(), Step(Op.DIE, 6), Step(Op.MORE), Step(Op.MORE), Step(Op.KEEP, -2))
    assert build.notation == "3d6kl2"
    assert build.apply(Step(Op.FEWER)).notation == "2d6"


@pytest.mark.parametrize(
    ("build", "step", "reason"),
    [
        (Build(), Step(Op.MORE), "pick a die first"),
        (Build((Term(6),), selected=0), Step(Op.ADVANTAGE), "for a d20"),
        (Build((Term(20, 2, 1),), selected=0), Step(Op.ADVANTAGE), "already rolling with adv"),
        (Build((Term(6, 1000),), selected=0), Step(Op.MORE), "1,000 dice"),
        (Build((Term(6, 1000),), selected=0), Step(Op.DIE, 8), "1,000 dice"),
        (Build((Term(1),), selected=0), Step(Op.EXPLODE), "never end"),
        (Build(), Step(Op.DIE, 1_000_001), "1,000,000 sides"),
        (Build((Term(6, 3),), selected=0), Step(Op.KEEP, 3), "only 3 d6"),
        (Build((Term(6),), selected=0), Step(Op.KEEP, 1), "two or more d6"),
        (Build(), Step(Op.CLEAR), "nothing to clear"),
        (Build((Term(6),), selected=0), Step(Op.DIE, 6), "already picked"),
    ],
)
def test_invalid_steps_are_refused_with_the_reason(build: Build, step: Step, reason: str) -> None:
    found = build.check(step)
    assert found is not None
    assert reason in found
    with pytest.raises(StepRefused, match=reason):
        build.apply(step)


def test_a_build_holds_a_bounded_number_of_kinds_of_dice() -> None:
    build = steps(Build(), *(Step(Op.DIE, sides) for sides in range(2, 2 + MAX_TERMS)))
    assert len(build.terms) == MAX_TERMS
    assert build.check(Step(Op.DIE, 99)) == f"a build holds {MAX_TERMS} kinds of dice at most"
    assert build.check(Step(Op.DIE, 2)) is None


def test_undo_steps_back_through_every_change_and_history_is_bounded() -> None:
    trail = [Build()]
    for step in ADVANTAGE_PLUS_D4_PLUS_5:
        trail.append(trail[-1].apply(step))
    build = trail[-1]
    for expected in reversed(trail[:-1]):
        build = build.undo()
        assert build.notation == expected.notation
        assert build.selected == expected.selected
    assert not build.can_undo
    with pytest.raises(StepRefused):
        build.undo()
    long = steps(Build(), Step(Op.DIE, 6), *[Step(Op.MODIFIER, 1)] * (MAX_HISTORY + 20))
    assert len(long.history) == MAX_HISTORY


def test_clear_can_be_undone() -> None:
    build = steps(Build(), *ADVANTAGE_PLUS_D4_PLUS_5)
    cleared = build.apply(Step(Op.CLEAR))
    assert cleared.empty
    assert cleared.notation == ""
    assert cleared.undo().notation == build.notation


def test_the_label_follows_the_dice_and_lasts_until_cleared() -> None:
    build = Build((Term(20),), 7, selected=0, label="to hit")
    assert build.notation == "1d20 + 7"
    assert build.text == "1d20 + 7 to hit"
    more = steps(build, Step(Op.MODIFIER, 1), Step(Op.ADVANTAGE))
    assert more.text == "2d20kh1 + 8 to hit"
    assert dice.parse(more.text).comment == "to hit"
    cleared = more.apply(Step(Op.CLEAR))
    assert (cleared.text, cleared.label) == ("", "")
    assert cleared.undo().text == more.text
    assert Build(label="to hit").text == ""


def test_starting_from_another_build_is_one_step_undo_comes_back() -> None:
    before = steps(Build(), Step(Op.DIE, 6), Step(Op.TARGET, 12))
    start = Build((Term(8, 2), Term(4)), 3, label="smite")
    started = before.start_from(start)
    assert started.text == "2d8 + 1d4 + 3 smite"
    assert started.term == Term(8, 2)
    assert started.target == 12
    assert started.undo() == before
    assert Build().start_from(Build(modifier=4, target=9)).target == 9
    assert Build().start_from(Build(modifier=4)).selected is None
    with pytest.raises(StepRefused, match="nothing to start from"):
        before.start_from(Build(label="smite"))
    with pytest.raises(StepRefused, match="1,000 dice"):
        before.start_from(Build((Term(6, 600), Term(8, 600))))


def test_a_modifier_alone_is_a_build() -> None:
    build = steps(Build(), Step(Op.MODIFIER, -5))
    assert build.notation == "-5"
    summary = summarize(build)
    assert summary is not None
    assert (summary.minimum, summary.maximum, summary.mean) == (-5, -5, -5)


def brute_force(build: Build) -> list[int]:
    """Every equally likely total of a build, by enumerating every face of every die."""
    pools: list[list[int]] = []
    for term in build.terms:
        faces = range(-1, 2) if term.sides == FATE else range(1, term.sides + 1)
        sums = []
        for outcome in itertools.product(faces, repeat=term.count):
            ordered = sorted(outcome, reverse=term.keep > 0)
            sums.append(sum(ordered[: abs(term.keep)] if term.keep else ordered))
        pools.append(sums)
    return [sum(parts) + build.modifier for parts in itertools.product(*pools)]


@pytest.mark.parametrize(
    "terms",
    [
        (Term(20, 2, 1), Term(4)),
        (Term(20, 2, -1),),
        (Term(6, 4, 3), Term(FATE, 3, 2)),
        (Term(6, 4, -2),),
        (Term(8, 3), Term(FATE, 4)),
    ],
)
def test_average_and_chance_match_brute_force(terms: tuple[Term, ...]) -> None:
    build = Build(terms, modifier=5, selected=0, target=14)
    totals = brute_force(build)
    summary = summarize(build)
    assert summary is not None
    assert (summary.minimum, summary.maximum) == (min(totals), max(totals))
    assert summary.mean == pytest.approx(float(Fraction(sum(totals), len(totals))))
    reaching = Fraction(sum(t >= 14 for t in totals), len(totals))
    assert summary.chance == pytest.approx(float(reaching))


def test_costly_odds_are_left_out_but_the_range_stays() -> None:
    build = Build((Term(1_000_000, 3, 1), Term(6)), selected=0, target=10)
    summary = summarize(build)
    assert summary is not None
    assert (summary.mean, summary.chance) == (None, None)
    assert (summary.minimum, summary.maximum) == (2, 1_000_006)
    assert summarize(Build((Term(6, 2, explode=True),), selected=0)) is not None
