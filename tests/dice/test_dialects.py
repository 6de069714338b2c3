"""Each dialect reads the disputed forms as its roller does: exact totals from scripted faces.

Every test quotes the rule it pins, with its source. Sources (snapshots):
- Avrae: avrae/d20 @ ad2ce2533af82645a29bbb79df5d814c93a4a590, README "Dice Syntax" and code.
- Roll20: "Dice Reference", https://wiki.roll20.net/Dice_Reference
  (= https://help.roll20.net/hc/en-us/articles/360037773133-Dice-Reference).
- Foundry: "Dice Modifiers", https://foundryvtt.com/article/dice-modifiers/, and the client's `Die`.
- Dice Maiden: Humblemonk/DiceMaiden @ e2ae45c4669cb621fbf1a7af25c515d4d9445cb9 README and
  `src/dice_maiden_logic.rb`; its README as of 3d19c6ff31878c4c3e53c9b8be5fcad2f26b1562.
- rpg-dice-roller: dice-roller/documentation @ c7f065d172cd37bea20d1e1cc7653015a290eaa6,
  `docs/guide/notation/*.md`.
Where a roller is silent, the dialect table in README.md records the choice made.
"""

from __future__ import annotations

import pytest

from nazh.dice import RollResult, RollSet, roll
from nazh.dice.dialects import get_dialect
from tests.dice.conftest import Scripted

STRICT = ("nazh", "foundry", "rpg-dice-roller")
COUNT_KEEPERS = ("nazh", "roll20", "foundry", "dicemaiden", "rpg-dice-roller")


def rolled(dialect: str, text: str, faces: list[int] | None = None) -> RollResult:
    """Roll `text` in `dialect` with scripted faces, all of which must be used."""
    rng = Scripted(faces or [])
    result = roll(text, rng=rng, dialect=get_dialect(dialect))
    assert isinstance(result, RollResult)
    assert not rng.faces, f"unused scripted faces {rng.faces}"
    return result


def total(dialect: str, text: str, faces: list[int] | None = None) -> object:
    return rolled(dialect, text, faces).total


# --- bare `k3` -------------------------------------------------------------------------------


def test_avrae_bare_k_keeps_the_dice_showing_that_face() -> None:
    """Avrae README, Selectors: "| X | literal | All values in this set that are literally this
    value. |"; Operators: "| k | keep | Keeps all matched values. |"."""
    assert total("avrae", "4d6k3", [3, 5, 3, 1]) == 6


def test_avrae_bare_p_drops_the_dice_showing_that_face() -> None:
    """Avrae README: "| p | drop | Drops all matched values. |"; d20 tests/test_dice.py:
    `r("(1, 2, 3, 4, 5)p3") == 12`."""
    assert total("avrae", "4d6p3", [3, 5, 3, 1]) == 6


@pytest.mark.parametrize("dialect", COUNT_KEEPERS)
def test_bare_k_keeps_the_highest_elsewhere(dialect: str) -> None:
    """Roll20: "8d100k4 - Roll 8 d100's and keep the four largest rolls." Foundry: "kh, k : Keep
    Highest". Dice Maiden: "`/roll 4d6 k3` - Roll 4d6, keep the highest 3". rpg-dice-roller:
    "The "end" is optional and, if omitted, will default to _highest_"."""
    assert total(dialect, "4d6k3", [3, 5, 3, 1]) == 11


# --- `>N` / `<N` -----------------------------------------------------------------------------


def test_roll20_greater_than_counts_ties_as_successes() -> None:
    """Roll20, Target Number: "3d6>3 - Roll 3 d6's and count one success for each roll of 3 or
    higher"; "(note that ties with the target number count as a success!)"."""
    assert total("roll20", "3d6>3", [3, 2, 6]) == 2


def test_roll20_less_than_is_at_most() -> None:
    """Roll20: "10d6<4 - Roll 10 d6's and count one success for each roll of 4 or less"."""
    assert total("roll20", "3d6<4", [4, 5, 1]) == 2


@pytest.mark.parametrize("dialect", STRICT)
def test_greater_and_less_than_are_strict_elsewhere(dialect: str) -> None:
    """rpg-dice-roller, Compare point: "<   // less than", ">   // greater than", and
    "4d3>1: [1, 3*, 2*, 1] = 2"; Foundry `DiceTerm.compareResult`: `case ">": return result >
    target`. Nazh README: "`10d10>=7`, `10d10>6` | count the dice at 7 or more"."""
    assert total(dialect, "3d6>3", [3, 2, 6]) == 1
    assert total(dialect, "3d6<4", [4, 5, 1]) == 1


def test_roll20_explode_point_is_at_least() -> None:
    """Roll20: "/roll 3d6!>4 would explode on any dice greater-than or equal-to 4"; "3d6!>5 -
    Rolls 3d6 and explodes every time a 5 or 6 is rolled"."""
    assert total("roll20", "3d6!>5", [5, 2, 1, 6, 3]) == 17


@pytest.mark.parametrize("dialect", STRICT)
def test_explode_point_is_strict_elsewhere(dialect: str) -> None:
    """rpg-dice-roller: "2d6!>4   // explode on any rolls greater than 4"."""
    assert total(dialect, "3d6!>5", [5, 2, 1]) == 8


def test_roll20_reroll_point_is_at_most() -> None:
    """Roll20: "2d10r<2 - Roll 2 d10's and reroll any time a 2 or lower is rolled"."""
    assert total("roll20", "2d10r<2", [2, 1, 5, 7]) == 12


@pytest.mark.parametrize("dialect", ["nazh", "rpg-dice-roller"])
def test_reroll_point_is_strict_elsewhere(dialect: str) -> None:
    """rpg-dice-roller: "d4r<3    // roll a d4 and re-roll anything less than 3"."""
    assert total(dialect, "2d10r<2", [2, 1, 5]) == 7


def test_roll20_crit_point_is_at_least() -> None:
    """Roll20: "To show any roll equal to 10 or greater as a critical success, just do /roll
    1d20cs>10"."""
    assert rolled("roll20", "1d20cs>10", [10]).crit


@pytest.mark.parametrize("dialect", ["nazh", "rpg-dice-roller"])
def test_crit_point_is_strict_elsewhere(dialect: str) -> None:
    """rpg-dice-roller: "4d10cs>7 // rolls greater than 7 are a critical success"."""
    assert not rolled(dialect, "1d20cs>10", [10]).crit
    assert rolled(dialect, "1d20cs>10", [11]).crit


def test_avrae_comparison_after_a_roll_compares_totals() -> None:
    """Avrae README, Binary Operations: "| X >= Y | greater/equal |"; d20/expression.py:
    `">=": lambda l, r: int(l >= r)`. A comparison is 1 or 0, not a count of dice."""
    assert total("avrae", "1d20+5>=15", [10]) == 1
    assert total("avrae", "1d20+5>=15", [9]) == 0
    assert total("avrae", "3d6>3", [1, 1, 1]) == 0
    assert total("avrae", "3d6>3", [3, 1, 1]) == 1


# --- `r`: until or once ----------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["nazh", "roll20", "rpg-dice-roller"])
def test_r_rerolls_until_the_die_is_outside_the_point(dialect: str) -> None:
    """Roll20: "By default the dice will continue to reroll until the result is inside the
    defined parameters." rpg-dice-roller: "It will keep re-rolling until a number greater than
    the minimum is rolled"."""
    assert total(dialect, "2d6r1", [1, 3, 1, 4]) == 7


def test_foundry_r_rerolls_once() -> None:
    """Foundry: "r : Reroll ... Reroll (r) will only reroll the die once"."""
    assert total("foundry", "2d6r1", [1, 3, 1]) == 4


def test_foundry_rr_rerolls_until() -> None:
    """Foundry: "rr : Recursive Reroll ... will keep rolling as long as results meet the reroll
    criteria"."""
    assert total("foundry", "2d6rr1", [1, 3, 1, 4]) == 7


def test_ro_rerolls_once_everywhere_it_exists() -> None:
    """Roll20: "2d6ro<2 - ... reroll anything less than 2 but only once" (at most 2 in Roll20);
    rpg-dice-roller: "you can use the `ro` notation"."""
    assert total("roll20", "2d6ro<2", [2, 5, 1]) == 6
    assert total("rpg-dice-roller", "2d6ro<2", [1, 5, 1]) == 6


@pytest.mark.parametrize("dialect", ["nazh", "roll20", "foundry", "rpg-dice-roller"])
def test_r_without_a_point_rerolls_the_lowest_face(dialect: str) -> None:
    """Roll20: "8d6r - Roll 8 d6's and reroll any time a 1 is rolled"; Foundry: "If no target
    number is specified, re-roll the lowest possible result"."""
    assert total(dialect, "1d6r", [1, 4]) == 4


def test_dicemaiden_r_rerolls_that_face_or_lower_once() -> None:
    """Dice Maiden README (2024): "`/roll 4d6 r2` : Roll four six-sided dice and reroll any that
    are equal to or less than two once. Use ir for indefinite rerolls."."""
    assert total("dicemaiden", "4d6 r2", [1, 2, 3, 4, 2, 6]) == 15


def test_dicemaiden_ir_rerolls_until() -> None:
    """Dice Maiden: "`/roll 4d6 ir2` : ... reroll any that are equal to or less than two (and do
    the same to those dice)"."""
    assert total("dicemaiden", "1d6 ir2", [1, 2, 5]) == 5


# --- `e6`: unlimited or once -----------------------------------------------------------------


def test_dicemaiden_e_explodes_once_from_that_face_up() -> None:
    """Dice Maiden README (2024): "`/roll 3d6 e6` : ... If the number rolled is greater than or
    equal to the value given for this option, the die is rolled again and added to the total.
    ... The dice will only explode once with this command. Use "ie" for indefinite
    explosions." (The 2025 README says "Explode on 6s (roll again once if you roll a 6)"; the
    older, explicit wording is followed.)"""
    assert total("dicemaiden", "3d6 e6", [6, 2, 3, 6]) == 17
    assert total("dicemaiden", "3d6 e5", [5, 2, 3, 6]) == 16


def test_dicemaiden_e_without_a_number_is_the_maximum() -> None:
    """Dice Maiden: "If no number is given for this option, it is assumed to be the same as the
    number of sides on the die. Thus, '3d6 e' is the same as '3d6 e6'"."""
    assert total("dicemaiden", "3d6 e", [6, 2, 3, 6]) == 17


def test_dicemaiden_ie_explodes_indefinitely() -> None:
    """Dice Maiden: "`/roll 3d6 ie6` - Keep exploding on 6s (capped at 100 rolls)"."""
    assert total("dicemaiden", "3d6 ie6", [6, 2, 3, 6, 1]) == 18


@pytest.mark.parametrize("dialect", ["nazh", "avrae"])
def test_e_explodes_again_on_new_dice(dialect: str) -> None:
    """Avrae README: "| e | explode on | Rolls another die for each matched value. |"; its
    `explode` loops while new dice match. Nazh README: "`3d6e6`, `3d6!6` | explode on a 6"."""
    assert total(dialect, "3d6e6", [6, 2, 3, 6, 1]) == 18


def test_foundry_x_explodes_again_and_xo_once() -> None:
    """Foundry: "x : Explode Rerolls a die continually based on the set condition"; "xo :
    Explode Once"; "/r 5d10x10 ... if any of the individual results are a 10, roll another"."""
    assert total("foundry", "3d10x10", [10, 2, 3, 10, 1]) == 26
    assert total("foundry", "3d10xo10", [10, 2, 3, 10]) == 25


def test_foundry_x_with_a_cap_explodes_at_most_that_many_times() -> None:
    """Foundry: "/r 6d10x5=10 ... roll one additional die for each 10 rolled (up to a maximum of
    5 times)". (The article also calls bare `x5` a cap, but its example `5d10x10` and `Die`'s
    code, "If no comparison or target are provided, treat the max as the target value", read
    `x10` as "explode on 10": the code and example are followed.)"""
    assert total("foundry", "2d10x1=10", [10, 10, 10]) == 30


# --- `cs` / `cf` -----------------------------------------------------------------------------


def test_foundry_cs_counts_successes() -> None:
    """Foundry: "cs>{y} Count the number of dice which rolled greater than y."; `Die`:
    "Applying a count-success modifier to the results re-casts all results to 1 (success) or 0
    (failure)"."""
    assert total("foundry", "4d20cs>10", [11, 10, 20, 3]) == 2
    assert total("foundry", "6d10cs>=6", [6, 5, 10, 1, 7, 2]) == 3


def test_foundry_cf_counts_failures() -> None:
    """Foundry: "cf : Count Failures ... counts the number of dice that failed to meet the
    specified criteria"; `6d6cf<=3`, `Count the number of dice which rolled ... as failures`."""
    assert total("foundry", "4d6cf<3", [1, 2, 4, 6]) == 2


@pytest.mark.parametrize("dialect", ["nazh", "roll20", "rpg-dice-roller"])
def test_cs_only_marks_crits_elsewhere(dialect: str) -> None:
    """Roll20: "These values will not affect other things ... It only affects the display of the
    roll result". rpg-dice-roller: "This is purely aesthetic and makes no functional difference
    to the rolls or their values."."""
    assert total(dialect, "4d20cs>=11", [11, 10, 20, 3]) == 44


# --- `d%` ------------------------------------------------------------------------------------


def test_avrae_percentile_is_a_tens_die() -> None:
    """avrae/d20 dice.py: `if self.size == "%": n = Literal(random.randrange(10) * 10)`;
    tests/test_dice.py: `assert 0 <= r("1d%") <= 90` and `assert r("1d%") % 10 == 0`."""
    rng = Scripted([4, 1, 10])
    result = roll("3d%", rng=rng, dialect=get_dialect("avrae"))
    assert isinstance(result, RollResult)
    assert rng.asked == [10, 10, 10]
    assert result.total == 30 + 0 + 90


@pytest.mark.parametrize("dialect", COUNT_KEEPERS)
def test_percentile_is_one_to_a_hundred_elsewhere(dialect: str) -> None:
    """rpg-dice-roller: "Percentile dice roll a whole number between `1-100` ... a shorthand for
    a standard die with 100 sides, `d100`". Dice Maiden alias: `2d%` -> `2d100`."""
    rng = Scripted([100, 1])
    result = roll("2d%", rng=rng, dialect=get_dialect(dialect))
    assert isinstance(result, RollResult)
    assert rng.asked == [100, 100]
    assert result.total == 101


# --- `/`, `//`, `%`, `round` -----------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["nazh", "dicemaiden"])
def test_division_rounds_down(dialect: str) -> None:
    """Nazh README: "`/` rounds **down** (`7 / 2` = 3, `-7 / 2` = -4)". Dice Maiden
    `process_operator_token`: `operand_a / operand_b` on Ruby integers, which floors."""
    assert total(dialect, "7 / 2") == 3
    assert total(dialect, "-7 / 2") == -4


def test_avrae_divides_exactly_then_truncates_the_total() -> None:
    """avrae/d20 expression.py: `"/": lambda l, r: l / r`; dice.py `RollResult.total`:
    `return int(self.expr.total)`; tests: `r("15 / 2") == 7`."""
    assert total("avrae", "15 / 2") == 7
    assert total("avrae", "-7 / 2") == -3
    assert total("avrae", "7 / 2 * 2") == 7


def test_avrae_double_slash_is_floor_division() -> None:
    """avrae/d20 README: "| X // Y | int division |"; expression.py `"//": lambda l, r: l // r`;
    tests: `r("15 // 2") == 7`."""
    assert total("avrae", "15 // 2") == 7
    assert total("avrae", "-7 // 2") == -4


@pytest.mark.parametrize("dialect", ["roll20", "foundry", "rpg-dice-roller"])
def test_division_is_exact_in_the_vtts(dialect: str) -> None:
    """Roll20 example `/roll floor(7/2) + 2d6` (division keeps the fraction until floor());
    rpg-dice-roller: `{3d8*2, 20/2d10, 2d10-d4}: ... = 33.82`."""
    assert total(dialect, "7 / 2") == 3.5


def test_rpg_dice_roller_double_slash_starts_a_comment() -> None:
    """rpg-dice-roller, Describing Rolls: "Inline descriptions are marked with `#` or `//`";
    "Any notation inside a description will not be parsed: 2d10 // Ice damage 2d10! / 3"."""
    result = rolled("rpg-dice-roller", "2d10 // Ice damage 2d10! / 3", [4, 5])
    assert result.total == 9
    assert result.comment == "Ice damage 2d10! / 3"


def test_rpg_dice_roller_block_and_hash_descriptions_are_comments() -> None:
    """rpg-dice-roller: "Block descriptions are enclosed between either `[ ... ]` or `/* ... */`"
    and "4d6 # Fire damage"."""
    assert total("rpg-dice-roller", "4d6 /* Ice damage 5d10 + 7 */", [1, 2, 3, 4]) == 10
    assert rolled("rpg-dice-roller", "4d6 # Fire damage", [1, 2, 3, 4]).comment == "Fire damage"


def test_foundry_hash_is_flavor_text() -> None:
    """Foundry, Special Dice: "/roll 4dc # Flip four coins.": `#` starts the roll's flavor."""
    assert rolled("foundry", "1d20 # attack", [12]).comment == "attack"


def test_nazh_hash_still_repeats() -> None:
    """Nazh README: "`6#4d6kh3` ... roll `4d6kh3` six times"."""
    result = roll("2#1d6", rng=Scripted([3, 4]), dialect=get_dialect("nazh"))
    assert isinstance(result, RollSet)
    assert result.totals == (3, 4)


@pytest.mark.parametrize(
    ("dialect", "remainder"),
    [
        ("nazh", 2),
        ("avrae", 2),
        ("dicemaiden", 2),
        ("roll20", -1),
        ("foundry", -1),
        ("rpg-dice-roller", -1),
    ],
)
def test_remainder_sign_on_negatives(dialect: str, remainder: int) -> None:
    """Roll20: "%, for modulus ... (If a is less than 0, the result will be negative, including
    -0.)". rpg-dice-roller and Foundry evaluate JavaScript `%` (the dividend's sign); Avrae's
    `"%": lambda l, r: l % r` is Python's (the divisor's sign). Nazh and Dice Maiden pair it
    with their floor division (README dialect table)."""
    assert total(dialect, "-7 % 3") == remainder


@pytest.mark.parametrize(
    ("dialect", "rounded"),
    [("roll20", -2), ("foundry", -2), ("rpg-dice-roller", -3), ("nazh", -3)],
)
def test_round_half_on_negatives(dialect: str, rounded: int) -> None:
    """Roll20: "round(x) ... round x towards positive infinity if the fractional portion of x is
    0.5 or greater". rpg-dice-roller: "`round()` always rounds half _away_ from zero" and
    "round(-1.5) === -2". Foundry uses JavaScript's `Math.round` ("Math.round(-1.5) === -1")."""
    assert total(dialect, "round(-2.5)") == rounded


# --- Dice Maiden: spaced modifiers, repetition, targets, `!` ---------------------------------


def test_dicemaiden_reads_modifiers_after_a_space() -> None:
    """Dice Maiden: "`/roll 4d6 k3` - Roll 4d6, keep the highest 3" and "`/roll 10d6 e6 k8 +4`
    : Roll ten six-sided dice, explode on sixes and keep eight of the highest rolls and add
    four"."""
    assert total("dicemaiden", "4d6 k3", [3, 5, 3, 1]) == 11


@pytest.mark.parametrize("dialect", ["nazh", "roll20", "avrae"])
def test_a_modifier_after_a_space_is_the_comment_elsewhere(dialect: str) -> None:
    """Roll20: "/roll 1d20+5 Roll for Initiative. The extra text won't affect your roll";
    avrae/d20 grammar: `COMMENT.-1: _WS? /.+/`. Nazh README: "Text after a space that does not
    continue the roll is the comment"."""
    result = rolled(dialect, "4d6 k3", [3, 5, 3, 1])
    assert result.total == 12
    assert result.comment == "k3"


def test_dicemaiden_targets_and_failures() -> None:
    """Dice Maiden: "`/roll 6d10 t7` : ... any that are seven or higher are counted as a
    success"; "`/roll 5d10 t8 f1` : f# denotes a failure number that each dice must match or be
    beneath in order to count against successes ... The total may be negative."."""
    assert total("dicemaiden", "6d10 t7", [7, 10, 1, 3, 6, 8]) == 3
    assert total("dicemaiden", "6d10 t7 f2", [7, 10, 1, 2, 6, 8]) == 1
    assert total("dicemaiden", "2d10 t8 f1", [1, 1]) == -2


def test_dicemaiden_count_then_roll_repeats() -> None:
    """Dice Maiden: "`/roll 6 4d6` : Roll 6 sets of four six-sided dice. A size of a set can be
    between 2 and 20."; alias `dndstats` -> `6 4d6 k3`."""
    result = roll(
        "2 4d6 k3", rng=Scripted([1, 2, 3, 4, 6, 6, 6, 1]), dialect=get_dialect("dicemaiden")
    )
    assert isinstance(result, RollSet)
    assert result.totals == (9, 18)


def test_dicemaiden_bang_starts_the_comment() -> None:
    """Dice Maiden: "`/roll 4d6 ! Hello World!`: Roll four six-sided dice and add comment to the
    roll."."""
    result = rolled("dicemaiden", "4d6 ! Damage roll", [1, 2, 3, 4])
    assert result.total == 10
    assert result.comment == "Damage roll"


def test_dicemaiden_drops_before_it_keeps() -> None:
    """Dice Maiden README (2024): "These dice are dropped before any dice are kept with the
    following `k` command. Order of operations is : roll dice, drop dice, keep dice"."""
    assert total("dicemaiden", "3d10 k1 d1", [6, 1, 9]) == 9
    assert total("dicemaiden", "4d10 k2 d1", [2, 1, 3, 9]) == 12


# --- groups of one roll ----------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["roll20", "rpg-dice-roller"])
def test_keep_on_a_group_of_one_roll_keeps_dice(dialect: str) -> None:
    """Roll20: "With a single Sub-Roll in the group the keep/drop operation is applied across all
    rolls ... {4d6+3d8}k4 - ... out of those 7 dice the highest 4 are kept". rpg-dice-roller:
    "For a single sub-roll, it will keep the specified number of individual _die rolls_"."""
    assert total(dialect, "{4d6}kh2", [1, 2, 3, 4]) == 7
    assert total(dialect, "{2d6+2d8}kh2", [1, 4, 2, 8]) == 12


def test_avrae_keep_on_parentheses_keeps_dice() -> None:
    """avrae/d20: a one-element set with no comma is a `Parenthetical` whose `set` is
    `self.value.set`; README: "Note that `(3d6)` is equivalent to `3d6`"."""
    assert total("avrae", "(4d6)kh2", [1, 2, 3, 4]) == 7


@pytest.mark.parametrize("dialect", ["nazh", "foundry"])
def test_keep_on_a_group_of_one_roll_keeps_its_total(dialect: str) -> None:
    """Foundry PoolTerm: "{1d6,1d8,1d10,1d12}kh2 Keep the 2 best rolls from the pool": each
    roll of the pool is one result. Nazh README: "Sets take the keep/drop ... modifiers"."""
    assert total(dialect, "{4d6}kh2", [1, 2, 3, 4]) == 10


def test_roll20_target_on_a_group_of_one_roll_tests_each_die_with_the_math() -> None:
    """Roll20: "For a Grouped Roll with a single sub-roll expression the success check is done
    after the remaining math expressions have been totaled into each roll ... {3d20+5}>21 - Roll
    3 d20's, for each roll add 5 and then count a success for each result of 21 or more."."""
    assert total("roll20", "{3d20+5}>21", [17, 16, 13]) == 2
    assert total("roll20", "{3d6+1}<3", [1, 2, 4]) == 2


@pytest.mark.parametrize("dialect", ["nazh", "foundry", "rpg-dice-roller"])
def test_target_on_a_group_of_one_roll_tests_its_total(dialect: str) -> None:
    """rpg-dice-roller: "For a single sub-roll, it will look at the total value of the sub roll
    and return `1` if the total value matches the compare point, or `0` if it doesn't";
    "Single sub-rolls, will only ever return a result of `1` or `0`"."""
    assert total(dialect, "{3d20+5}>21", [17, 16, 13]) == 1
    assert total(dialect, "{3d20+5}>40", [1, 16, 13]) == 0


# --- keep-then-drop chains and fixed modifier orders -----------------------------------------


def test_rpg_dice_roller_keep_and_drop_both_look_at_every_die() -> None:
    """rpg-dice-roller: "They both look at the entire dice pool. So if a roll has been dropped, it
    will be still be included in the list of possible rolls to drop." "3d10k1dh1: [7d, 1d, 2d] =
    0", "3d10k1d1: [6d, 1d, 9] = 9"."""
    assert total("rpg-dice-roller", "3d10k1dh1", [7, 1, 2]) == 0
    assert total("rpg-dice-roller", "3d10k1d1", [6, 1, 9]) == 9


@pytest.mark.parametrize("dialect", ["nazh", "foundry", "roll20"])
def test_a_later_drop_chooses_among_the_dice_still_kept(dialect: str) -> None:
    """Foundry `DiceTerm._evaluateModifiers`: "Sequentially evaluate each dice roll modifier",
    keep/drop sorting the "remaining active results". Roll20 applies "Keep, Drop" in that order
    and does not say drop sees dropped dice (README dialect table)."""
    assert total(dialect, "3d10k1d1", [6, 1, 9]) == 0


def test_rpg_dice_roller_explodes_before_it_drops_whatever_the_order_written() -> None:
    """rpg-dice-roller: "Modifiers always run in a specific order, regardless of the order you
    specify them in the notation ... These two are equivalent ... 4d6!d1, 4d6d1!"; explode
    (order 3) runs before keep (order 6), so the extra die is among those kept from."""
    assert total("rpg-dice-roller", "4d6d1!", [6, 1, 2, 3, 4]) == 15
    assert total("rpg-dice-roller", "4d6kh1!", [6, 1, 2, 3, 4]) == 6


def test_roll20_rerolls_before_it_keeps_whatever_the_order_written() -> None:
    """Roll20: "Modifiers are applied in the following order: Exploding, Compounding,
    Penetrating, Rerolls ... Keep, Drop, Success, Failure, Sorting"."""
    assert total("roll20", "2d6k1r1", [1, 2, 5]) == 5
