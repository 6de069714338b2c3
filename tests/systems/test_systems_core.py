"""The game-system framework: rendering, sources, the registry, arguments, and what every one of
these systems promises (odds that sum to 1 over every outcome, worst first)."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest
from systems_support import bind, scripted

from nazh.dice import DiceError, LimitError
from nazh.dice.limits import MAX_DICE
from nazh.dice.systems import (
    SYSTEMS,
    Bound,
    DiceGroup,
    Mark,
    Outcome,
    Source,
    System,
    SystemDie,
    SystemRoll,
    UsageError,
    get_system,
    roll_system,
    split_call,
    system_odds,
)
from nazh.dice.systems.core import PLAIN, plural

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

OURS = (
    *("dnd", "dndstats", "pbta", "fitd", "v5", "cod", "wod", "sr", "sr6", "sw"),
    *("yz", "coc", "fate", "cpr", "ed", "genesys", "swrpg"),
)


def _roll(groups: tuple[DiceGroup, ...], **fields: object) -> SystemRoll:
    values: dict[str, object] = {
        "system": "pbta",
        "call": "pbta(1)",
        "groups": groups,
        "total": None,
        "outcome": Outcome("success", 2),
    }
    values.update(fields)
    return SystemRoll(**values)  # type: ignore[arg-type]


def test_render_marks_dice_and_names_the_outcome() -> None:
    dice = (
        SystemDie(6, 2),
        SystemDie(6, 5, marks=Mark.DROPPED),
        SystemDie(6, 6, marks=Mark.COUNTED),
    )
    result = _roll((DiceGroup(dice),), call="fitd(3)")
    assert result.render() == "fitd(3) (2, ~~5~~, **6**) = **success**"


def test_render_shows_label_modifier_total_and_reason() -> None:
    group = DiceGroup((SystemDie(6, 4), SystemDie(6, 5)), "2d6")
    result = _roll((group,), total=10, modifier=1, outcome=Outcome("strong hit", 2, "why"))
    assert result.render() == "pbta(1) 2d6 (4, 5) + 1 = `10` · **strong hit** (why)"
    negative = _roll((group,), total=8, modifier=-1)
    assert negative.render() == "pbta(1) 2d6 (4, 5) - 1 = `8` · **success**"


def test_render_counts_successes_and_hides_a_plain_total() -> None:
    dice = (SystemDie(10, 10, marks=Mark.COUNTED | Mark.EXPLODED), SystemDie(10, 3))
    one = _roll((DiceGroup(dice),), call="cod(1)", total=1, noun="success")
    assert one.render() == "cod(1) (**10!**, 3) = `1` success · **success**"
    two = _roll((DiceGroup(dice, "wild d6", 13),), total=2, noun="hit")
    assert two.render() == "pbta(1) wild d6 (**10!**, 3) → 13 = `2` hits · **success**"
    plain = _roll((DiceGroup(dice[1:], "d20"),), total=3, outcome=Outcome(PLAIN, 1))
    assert plain.render() == "pbta(1) d20 (3) = `3`"


def test_cancelled_and_bane_dice() -> None:
    dice = (SystemDie(10, 1, marks=Mark.CANCELLED), SystemDie(10, 1, marks=Mark.BANE))
    assert _roll((DiceGroup(dice),)).render() == "pbta(1) (~~1~~, **1**) = **success**"
    assert dice[0].dropped
    assert not dice[1].dropped


def test_render_shrinks_to_fit() -> None:
    many = tuple(SystemDie(6, 3) for _ in range(700))
    result = _roll((DiceGroup(many), DiceGroup((SystemDie(6, 6),), "wild")), total=7, noun="hit")
    assert len(result.render(10_000)) > 2000
    assert result.render() == "pbta(1) (…), wild (6) = `7` hits · **success**"
    assert result.render(32) == "pbta(1) = `7` hits · **success**"
    assert result.render(31) == "`7` hits · **success**"
    assert result.render(21) == "7"
    assert result.render(0) == ""


def test_plural() -> None:
    assert [plural(noun) for noun in ("success", "hit", "raise")] == ["successes", "hits", "raises"]


def test_dice_flatten_groups_in_order() -> None:
    first, second = SystemDie(10, 3), SystemDie(10, 7, "hunger")
    result = _roll((DiceGroup((first,)), DiceGroup((second,), "hunger")))
    assert result.dice == (first, second)


def test_seeded_source_draws_randint_in_order() -> None:
    source = Source.from_rng(random.Random(7))
    expected = random.Random(7)
    assert [*source.roll(3, 6), source.one(20)] == [
        *(expected.randint(1, 6) for _ in range(3)),
        expected.randint(1, 20),
    ]
    assert source.drawn == 4
    assert source.roll(0, 6) == []


def test_source_refuses_more_than_max_dice() -> None:
    source, _ = scripted([1] * MAX_DICE)
    source.roll(MAX_DICE, 6)
    with pytest.raises(LimitError, match="at most"):
        source.one(6)


def test_system_faces_come_from_the_csprng() -> None:
    rolls = {roll_system("sr", ["20"], {}).render() for _ in range(20)}
    assert len(rolls) > 15


def test_registry_and_lookup() -> None:
    assert set(OURS) == set(SYSTEMS)
    assert get_system("FITD") is SYSTEMS["fitd"]
    assert get_system("nope") is None
    with pytest.raises(UsageError, match="no game system `nope`"):
        roll_system("nope", [], {})


def test_split_call() -> None:
    assert split_call(" V5(7, 2, DIFF = 4) ") == ("v5", ["7", "2"], {"diff": "4"})
    assert split_call("dndstats") == ("dndstats", [], {})
    assert split_call("fitd()") == ("fitd", [], {})


@pytest.mark.parametrize("name", OURS)
def test_each_system_describes_itself(name: str) -> None:
    system = SYSTEMS[name]
    assert system.name == name
    assert system.title
    assert system.usage.startswith(name)
    assert system.card.count("\n") >= 1
    assert name in system.card.rsplit("Example", 1)[1]
    assert len(set(system.outcomes)) == len(system.outcomes)
    assert [system.outcome(o).rank for o in system.outcomes] == list(range(len(system.outcomes)))


@pytest.mark.parametrize("name", OURS)
def test_typical_roll_and_odds(name: str) -> None:
    system = SYSTEMS[name]
    call_name, positional, named = split_call(system.typical)
    assert call_name == name
    bound = system.bind(positional, named)
    assert bound.call == system.typical
    odds = system_odds(name, positional, named)
    assert list(odds) == list(system.outcomes)
    assert sum(odds.values()) == 1
    assert all(isinstance(chance, Fraction) and chance >= 0 for chance in odds.values())
    result = roll_system(name, positional, named, random.Random(3))
    assert result.system == name
    assert result.call == system.typical
    assert odds[result.outcome.name] > 0
    assert result.render().startswith(system.typical)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("fitd(x)", r"the dice pool must be a whole number, not `x` \(usage: `fitd\(n\)`\)"),
        ("fitd(-1)", "the dice pool must be from 0 to 100, not -1"),
        ("fitd()", "fitd takes 1 argument, not 0"),
        ("fitd(1, 2)", "fitd takes 1 argument, not 2"),
        ("fitd(3, big=1)", "fitd has no option `big=`"),
        ("pbta(1.5)", "must be a whole number"),
        ("pbta()", None),
        ("dnd(1, adv, dis)", "dnd takes 0 to 2 arguments, not 3"),
        ("dnd(adv, dis)", "choose one of `adv` and `dis`"),
        ("dnd(1, 2)", "`2` is neither `adv` nor `dis`"),
        ("dndstats(1)", "dndstats takes 0 arguments, not 1"),
        ("v5(0, 1)", "the dice pool must be from 1 to 100"),
        ("v5(5, 6)", "hunger must be from 0 to 5"),
        ("v5(5, 1, dif=3)", "v5 has no option `dif=` \\(known: `diff=`\\)"),
        ("cod(3, 7again)", "`7again` is not `8again`, `9again` or `rote`"),
        ("cod(3, rote, rote)", "is not `8again`, `9again` or `rote` \\(once\\)"),
        ("cod(3, 8again, 9again)", "is not `8again`"),
        ("wod(5, 1)", "the difficulty must be from 2 to 10"),
        ("sr(5, wild)", "sr takes 1 argument, not 2"),
        ("sr6(5, edge)", "`edge` is not `wild` or `reroll`"),
        ("sr6(1, wild)", "a wild die needs a pool of at least 2"),
        ("sw(7)", "the trait die is a d4, d6, d8, d10 or d12, not d7"),
        ("sw(dx)", "the trait die must be a whole number"),
        ("sw(8, +1, tn=0)", "the target number must be from 1 to 100"),
    ],
)
def test_bad_arguments_say_what_is_wrong(call: str, message: str | None) -> None:
    if message is None:
        assert bind(call)[1].call == "pbta(0)"
        return
    with pytest.raises(UsageError, match=message) as raised:
        bind(call)
    assert "\n" not in str(raised.value)
    assert "(usage: `" in str(raised.value)


@pytest.mark.parametrize("call", ["fitd(101)", "v5(1000, 2)", "cod(500)", "sr(99999999999999)"])
def test_pools_beyond_the_limit_are_refused(call: str) -> None:
    with pytest.raises(DiceError, match=r"at most|whole number"):
        bind(call)


def test_pool_limit_is_a_limit_error() -> None:
    with pytest.raises(LimitError, match="the dice pool may be at most 100, not 101"):
        bind("fitd(101)")


class _Costly(System[Bound]):
    """A system whose odds refuse pools above 3 dice."""

    __slots__ = ()

    name = "costly"
    title = "Costly"
    usage = "costly(n)"
    card = "Refuses.\nExample: `costly(4)`"
    outcomes = ("low", "high")
    typical = "costly(1)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> Bound:
        return Bound(f"costly({positional[0]})")

    def roll(self, bound: Bound, source: Source) -> SystemRoll:
        raise NotImplementedError

    def odds_refusal(self, bound: Bound) -> str | None:
        return "a pool of 4" if bound.call == "costly(4)" else None

    def exact_odds(self, bound: Bound) -> Mapping[str, Fraction]:
        return {"high": Fraction(1)} if bound.call == "costly(1)" else {"middle": Fraction(1)}


def test_outcome_odds_refuse_costly_pools_and_fill_in_zeros() -> None:
    costly = _Costly()
    assert costly.outcome_odds(costly.bind(["1"], {})) == {"low": 0, "high": 1}
    with pytest.raises(LimitError, match="exact odds of a pool of 4 would take too long"):
        costly.outcome_odds(costly.bind(["4"], {}))
    with pytest.raises(ValueError, match="costly has no outcome 'middle'"):
        costly.outcome_odds(costly.bind(["2"], {}))
