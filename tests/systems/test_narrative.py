"""Narrative dice of Genesys and Fantasy Flight's Star Wars Roleplaying.

The rules, from the Genesys Core Rulebook (Fantasy Flight Games, 2017), chapter 1 "Core
Mechanic" (The Dice, Interpreting the Pool), and Star Wars: Edge of the Empire Core Rulebook
(2013), "The Dice":
- The dice and their faces are `FACES` below (a d8 ability die: "blank, success, success,
  success+success, advantage, advantage, success+advantage, advantage+advantage", and so on).
- "Each success cancels one failure"; "each advantage cancels one threat".
- A triumph "counts as one success" and a despair "counts as one failure", but their own
  effects are never cancelled.
- "If at least one success symbol remains after all cancellations, the skill check
  succeeds."
- The force die (Star Wars) shows dark side points on seven faces (two on one of them) and
  light side points on five (two on three of them); nothing cancels them.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import product

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice import LimitError
from nazh.dice.systems import UsageError, system_odds
from nazh.dice.systems.narrative import DICE, at_least, force_odds, narrative_odds

FACES = {
    "ability": "blank, s, s, s+s, a, a, s+a, a+a",
    "proficiency": "blank, s, s, s+s, s+s, a, s+a, s+a, s+a, a+a, a+a, triumph",
    "difficulty": "blank, f, f+f, t, t, t, t+t, f+t",
    "challenge": "blank, f, f, f+f, f+f, t, t, f+t, f+t, t+t, t+t, despair",
    "boost": "blank, blank, s, s+a, a+a, a",
    "setback": "blank, blank, f, f, t, t",
    "force": "dark, dark, dark, dark, dark, dark, dark+dark, light, light, light+light,"
    " light+light, light+light",
}
"""The faces of each die as the rulebooks draw them (s success, a advantage, f failure, t
threat)."""

_CODES = {"s": "s", "a": "a", "f": "f", "t": "t", "triumph": "T", "despair": "D"}
_CODES |= {"light": "L", "dark": "N", "blank": ""}


def test_faces_are_the_rulebooks() -> None:
    assert [die.name for die in DICE] == list(FACES)
    for die in DICE:
        printed = [
            "".join(sorted(_CODES[symbol] for symbol in face.strip().split("+")))
            for face in FACES[die.name].split(",")
        ]
        assert Counter(printed) == Counter("".join(sorted(face)) for face in die.faces), die.name


def test_a_check_by_hand() -> None:
    result = roll_scripted("genesys(2g1y 2p1r 1b)", [4, 7, 12, 2, 7, 12, 5])
    assert result.outcome.name == "success"
    assert result.details == {
        "successes": 2,
        "advantages": 1,
        "triumphs": 1,
        "despairs": 1,
        "light": 0,
        "dark": 0,
    }
    assert result.total is None
    assert result.render() == (
        "genesys(2g 1y 2p 1r 1b) ability (ss, sa), proficiency (**Tr**), difficulty (f, tt),"
        " challenge (**De**), boost (aa)"
        " = **success** (2 successes, 1 advantage, 1 triumph, 1 despair)"
    )


@pytest.mark.parametrize(
    ("call", "faces", "name", "text"),
    [
        (
            "genesys(1g 2p)",
            [1, 8, 3],
            "failure",
            "genesys(1g 2p) ability (-), difficulty (ft, ff) = **failure** (3 failures, 1 threat)",
        ),
        (
            "genesys(1g 1p)",
            [2, 2],
            "failure",
            "genesys(1g 1p) ability (s), difficulty (f) = **failure** (every symbol cancelled)",
        ),
        (
            "genesys(1y 1r)",
            [12, 12],
            "failure",
            "genesys(1y 1r) proficiency (**Tr**), challenge (**De**)"
            " = **failure** (1 triumph, 1 despair)",
        ),
        (
            "swrpg(2w)",
            [7, 12],
            "force",
            "swrpg(2w) force (●●, ○○) = **force** (2 light side points, 2 dark side points)",
        ),
        (
            "swrpg(1g 1w)",
            [2, 1],
            "success",
            "swrpg(1g 1w) ability (s), force (●) = **success** (1 success, 1 dark side point)",
        ),
        ("genesys(1b 1k)", [4, 5], "success", None),
        ("genesys(1b 1k)", [6, 3], "failure", None),
    ],
)
def test_pools_by_hand(call: str, faces: list[int], name: str, text: str | None) -> None:
    result = roll_scripted(call, faces)
    assert result.outcome.name == name
    if text is not None:
        assert result.render() == text


@pytest.mark.parametrize(
    "written",
    [
        "genesys(2g1y 2p1r 1b)",
        "genesys(ggy pp r b)",
        "genesys(GGY PPRB)",
        "genesys(2 green, 1 yellow, 2 purple, 1 red, 1 blue)",
        "genesys(2 ability 1 proficiency 2 difficulty 1 challenge 1 boost)",
        "genesys(2a 1pro 2d 1c 1b)",
        "genesys(1b, 1r, 2p, 1y, 2g)",
        "genesys(green=2, yellow=1, purple=2, red=1, blue=1)",
        "genesys(2g+1y+2p+1r+1b)",
    ],
)
def test_ways_to_write_a_pool(written: str) -> None:
    assert bind(written)[1].call == "genesys(2g 1y 2p 1r 1b)"


@pytest.mark.parametrize(
    ("written", "call"),
    [
        ("genesys(2k 1s 1blk 1black 1setback)", "genesys(6k)"),
        ("swrpg(1w 1f 1white 1force)", "swrpg(4w)"),
        ("swrpg(ggw)", "swrpg(2g 1w)"),
    ],
)
def test_setback_and_force_spellings(written: str, call: str) -> None:
    assert bind(written)[1].call == call


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("genesys()", "the pool has no dice"),
        ("genesys(2x)", "`x` is not a die"),
        ("genesys(2gy)", "write a count before each die: not `2gy`"),
        ("genesys(2g, ?)", "`\\?` is not a die"),
        ("genesys(2g, blue=x)", "`xblue` is not a die"),
        ("genesys(2g, hope=1)", "genesys has no option `hope=`"),
    ],
)
def test_bad_pools(call: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bind(call)


@pytest.mark.parametrize("call", ["genesys(101g)", "genesys(60g 41p)"])
def test_pool_limit(call: str) -> None:
    with pytest.raises(LimitError, match="at most 100 dice"):
        bind(call)


@pytest.mark.parametrize(
    "call",
    ["genesys(1g 1p 1b)", "genesys(1y 1r)", "genesys(2g 1p 1k)", "swrpg(1w)", "swrpg(1g 1w)"],
)
def test_outcome_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    odds = system.outcome_odds(bound)
    assert {name: chance for name, chance in odds.items() if chance} == enumerate_outcomes(
        call
    ).odds


def _brute_joint(call: str) -> tuple[Counter[tuple[int, ...]], Counter[tuple[int, int]], int]:
    """Every face sequence rolled through the roller: the counts of each symbol total."""
    _, bound = bind(call)
    sides = [die.sides for die, count in bound.dice() for _ in range(count)]
    symbols: Counter[tuple[int, ...]] = Counter()
    force: Counter[tuple[int, int]] = Counter()
    for faces in product(*(range(1, n + 1) for n in sides)):
        details = roll_scripted(call, list(faces)).details
        symbols[
            tuple(details[key] for key in ("successes", "advantages", "triumphs", "despairs"))
        ] += 1
        force[details["light"], details["dark"]] += 1
    total = 1
    for n in sides:
        total *= n
    return symbols, force, total


@pytest.mark.parametrize("call", ["genesys(1g 1y 1p 1r)", "genesys(2b 2k 1g)", "swrpg(1y 2w 1p)"])
def test_joint_odds_match_brute_force(call: str) -> None:
    _, bound = bind(call)
    symbols, force, total = _brute_joint(call)
    assert narrative_odds(bound) == {key: Fraction(ways, total) for key, ways in symbols.items()}
    assert force_odds(bound) == {key: Fraction(ways, total) for key, ways in force.items()}


def test_convenience_chances() -> None:
    call = "genesys(1g 1y 1p 1r)"
    system, bound = bind(call)
    joint = narrative_odds(bound)
    symbols, _, total = _brute_joint(call)
    assert at_least(joint, successes=1) == system.outcome_odds(bound)["success"]
    two_advantages = sum(ways for key, ways in symbols.items() if key[1] >= 2)
    assert at_least(joint, advantages=2) == Fraction(two_advantages, total)
    both = sum(ways for key, ways in symbols.items() if key[0] >= 1 and key[2] >= 1)
    assert at_least(joint, successes=1, triumphs=1) == Fraction(both, total)
    assert at_least(joint) == 1
    assert at_least(joint, despairs=1) == Fraction(1, 12)


def test_a_lone_ability_die() -> None:
    odds = system_odds("genesys", ["1g"], {})
    # success on s, s, ss and sa: four faces of eight
    assert odds == {"failure": Fraction(1, 2), "force": 0, "success": Fraction(1, 2)}


@pytest.mark.parametrize("call", ["genesys(2g1y 2p1r 1b)", "swrpg(3g 2p 1k)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


def test_costly_odds_are_refused() -> None:
    system, bound = bind("genesys(20y 20r 20g 20p)")
    with pytest.raises(LimitError, match="would take too long"):
        system.outcome_odds(bound)
    with pytest.raises(LimitError, match="would take too long"):
        narrative_odds(bound)
    system, bound = bind("genesys(5g 3y 4p 2r 2b 2k)")
    assert sum(system.outcome_odds(bound).values()) == 1
