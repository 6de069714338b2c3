"""Exact odds of game systems' outcomes read from text (`outcome_odds`), the joint odds of net
narrative symbols (`symbol_odds`), and what they refuse."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from fractions import Fraction

import pytest

from nazh.dice import DiceError, LimitError, parse, roll
from nazh.dice.odds import check_outcome_odds, has_symbols, outcome_odds, symbol_odds
from nazh.dice.results import SystemResult
from nazh.dice.systems import SYSTEMS, split_call, system_odds
from nazh.dice.systems.narrative import DICE
from nazh.stats.fairness import chi_square_sf

F = Fraction


def test_pbta_from_the_sums_of_2d6() -> None:
    # 2d6 sums 2-6 in 1+2+3+4+5 ways, 7-9 in 6+5+4, 10-12 in 3+2+1, of 36.
    assert outcome_odds("pbta(0)") == {
        "miss": F(15, 36),
        "weak hit": F(15, 36),
        "strong hit": F(6, 36),
    }
    # +2 moves the sums 5 and 6 up to a weak hit and 8 and 9 up to a strong hit.
    assert outcome_odds("pbta(2)") == {
        "miss": F(6, 36),
        "weak hit": F(15, 36),
        "strong hit": F(15, 36),
    }


@pytest.mark.parametrize("dice", range(1, 7))
def test_fitd_from_the_highest_die(dice: int) -> None:
    # Failure: every die 1-3; partial: every die 1-5 but not all 1-3; success: exactly one 6.
    failure = F(1, 2) ** dice
    partial = F(5, 6) ** dice - failure
    success = dice * F(1, 6) * F(5, 6) ** (dice - 1)
    odds = outcome_odds(f"fitd({dice})")
    assert odds == {
        "failure": failure,
        "partial success": partial,
        "success": success,
        "critical": 1 - failure - partial - success,
    }
    if dice == 1:
        assert list(odds.values()) == [F(1, 2), F(1, 3), F(1, 6), 0]


def test_fitd_with_no_dice_takes_the_lower_of_two_and_never_crits() -> None:
    # The lower of two d6 is 1-3 unless both are 4-6; it is 6 only when both are.
    assert outcome_odds("fitd(0)") == {
        "failure": 1 - F(1, 2) ** 2,
        "partial success": F(1, 2) ** 2 - F(1, 6) ** 2,
        "success": F(1, 36),
        "critical": 0,
    }


def test_dnd_natural_ones_and_twenties() -> None:
    assert outcome_odds("dnd(3)") == {"fumble": F(1, 20), "total": F(18, 20), "critical": F(1, 20)}
    # Advantage fumbles only on two 1s and crits unless neither die shows 20.
    assert outcome_odds("dnd(3, adv)") == {
        "fumble": F(1, 400),
        "total": 1 - F(1, 400) - (1 - F(19, 20) ** 2),
        "critical": 1 - F(19, 20) ** 2,
    }


def test_a_comment_an_expression_a_dialect_and_a_tag() -> None:
    expected = outcome_odds("fitd(2)")
    assert outcome_odds("fitd(2) sneaking past the guards") == expected
    assert outcome_odds(parse("fitd(2)")) == expected
    assert outcome_odds("fitd2", "dicemaiden") == expected
    assert outcome_odds("dicemaiden: fitd2") == expected
    assert outcome_odds("dicemaiden: 4cod") == outcome_odds("cod(4)")


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_every_typical_call_has_its_systems_odds_worst_first(name: str) -> None:
    system = SYSTEMS[name]
    odds = outcome_odds(system.typical)
    assert list(odds) == list(system.outcomes)
    assert sum(odds.values()) == 1
    assert odds == system_odds(*split_call(system.typical))


@pytest.mark.parametrize(
    ("text", "dialect"),
    [("fitd(3)", "nazh"), ("v5(7, 2, diff=4)", "nazh"), ("sw(d8)", "nazh"), ("6yz", "dicemaiden")],
)
def test_the_roller_agrees_with_the_outcome_odds(text: str, dialect: str) -> None:
    odds = outcome_odds(text, dialect)
    rng = random.Random(12)
    rolls = 20_000
    seen: Counter[str] = Counter()
    for _ in range(rolls):
        result = roll(text, rng=rng, dialect=dialect)
        assert isinstance(result, SystemResult)
        seen[result.outcome.name] += 1
    assert {name for name in seen if not odds[name]} == set()
    bins = [(float(chance) * rolls, seen[name]) for name, chance in odds.items() if chance]
    assert min(expected for expected, _ in bins) >= 5
    statistic = sum((observed - expected) ** 2 / expected for expected, observed in bins)
    assert chi_square_sf(statistic, len(bins) - 1) > 1e-4


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("4d6kh3", "`4d6kh3` is not a game system's roll"),
        ("2d20kh1 + 5 attack", "use `/odds 2d20kh1 + 5`"),
        ("3#fitd(3)", "each roll of `3#fitd(3)` has the odds of `fitd(3)`"),
        ("fitd(3); pbta(1)", "not several separated by `;`"),
        ("1d20; fitd(3)", "not several separated by `;`"),
    ],
)
def test_anything_but_one_system_call_is_refused(text: str, words: str) -> None:
    with pytest.raises(DiceError) as caught:
        outcome_odds(text)
    assert not isinstance(caught.value, LimitError)
    assert words in str(caught.value)


def test_bad_calls_are_refused_as_the_parser_refuses_them() -> None:
    with pytest.raises(DiceError, match="usage: `fitd"):
        outcome_odds("fitd(x)")
    with pytest.raises(DiceError, match="unknown dialect `no-such-dialect`"):
        outcome_odds("fitd(3)", "no-such-dialect")


def test_costly_odds_are_refused_as_the_system_refuses_them() -> None:
    text = "genesys(30y 30r)"
    with pytest.raises(LimitError) as by_text:
        outcome_odds(text)
    system = SYSTEMS["genesys"]
    with pytest.raises(LimitError) as by_system:
        system.outcome_odds(system.bind(["30y 30r"], {}))
    assert str(by_text.value) == str(by_system.value)
    assert "would take too long" in str(by_text.value)
    with pytest.raises(LimitError):
        check_outcome_odds(text)
    with pytest.raises(LimitError):
        symbol_odds(text)


def test_check_outcome_odds_gives_the_call() -> None:
    call = check_outcome_odds("dicemaiden: fitd2 ! quietly")
    assert call.text == "fitd(2)"
    assert not has_symbols(call)
    assert has_symbols(check_outcome_odds("genesys(1g)"))


_CODES = {"s": (1, 0), "f": (-1, 0), "a": (0, 1), "t": (0, -1), "T": (1, 0), "D": (-1, 0)}


def _brute_force(pool: dict[str, int]) -> dict[str, Fraction]:
    """Every face of every die of `pool` (counts by die name), with the rows counted from
    the symbols on the faces."""
    dice = [die for die in DICE for _ in range(pool.get(die.name, 0))]
    rows: Counter[str] = Counter()
    total = 0
    for faces in itertools.product(*(die.faces for die in dice)):
        total += 1
        symbols = "".join(faces)
        successes = sum(_CODES[c][0] for c in symbols if c in _CODES)
        advantages = sum(_CODES[c][1] for c in symbols if c in _CODES)
        light, dark = symbols.count("L"), symbols.count("N")
        rows["at least 1 net success"] += successes >= 1
        rows["at least 2 net successes"] += successes >= 2
        rows["at least 1 net advantage"] += advantages >= 1
        rows["at least 2 net advantages"] += advantages >= 2
        rows["at least 1 net threat"] += advantages <= -1
        rows["success with advantage"] += successes >= 1 and advantages >= 1
        rows["at least 1 triumph"] += "T" in symbols
        rows["at least 1 despair"] += "D" in symbols
        rows["at least 1 light side point"] += light >= 1
        rows["at least 1 dark side point"] += dark >= 1
    return {label: Fraction(ways, total) for label, ways in rows.items()}


def test_symbol_odds_match_brute_force() -> None:
    pool = {"ability": 2, "proficiency": 1, "difficulty": 1, "challenge": 1}
    found = symbol_odds("genesys(2g 1y 1p 1r)")
    expected = _brute_force(pool)
    assert list(found) == [
        "at least 1 net success",
        "at least 2 net successes",
        "at least 1 net advantage",
        "at least 2 net advantages",
        "at least 1 net threat",
        "success with advantage",
        "at least 1 triumph",
        "at least 1 despair",
    ]
    assert found == {label: expected[label] for label in found}
    assert found["at least 1 triumph"] == found["at least 1 despair"] == F(1, 12)
    assert found["at least 1 net success"] == outcome_odds("genesys(2g 1y 1p 1r)")["success"]


def test_symbol_odds_with_force_dice_match_brute_force() -> None:
    found = symbol_odds("swrpg(1g 1b 1k 2w)")
    expected = _brute_force({"ability": 1, "boost": 1, "setback": 1, "force": 2})
    assert found == expected
    # Five faces of twelve show light side points, seven dark.
    assert found["at least 1 light side point"] == 1 - F(7, 12) ** 2


def test_a_pool_of_force_dice_has_only_force_rows() -> None:
    assert symbol_odds("swrpg(1w)") == {
        "at least 1 light side point": F(5, 12),
        "at least 1 dark side point": F(7, 12),
    }


def test_symbol_odds_need_narrative_dice() -> None:
    with pytest.raises(DiceError, match="no narrative dice"):
        symbol_odds("fitd(3)")
    with pytest.raises(DiceError, match="not a game system's roll"):
        symbol_odds("3d6")
