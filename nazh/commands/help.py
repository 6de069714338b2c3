"""``/help [topic]`` and ``!help``: what Nazh does and how to write a roll, inside Discord."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import hikari

from nazh.dice.systems import SYSTEMS, get_system

if TYPE_CHECKING:
    from nazh.dice.systems import System
    from nazh.invocation import Invocation
    from nazh.storage import Storage

__all__ = (
    "TOPICS",
    "help_card",
    "server_system",
    "show_help",
    "system_card",
    "system_named",
    "unknown_system",
)

_LOGGER = logging.getLogger(__name__)

COLOUR = hikari.Colour(0x5865F2)

_COMMANDS = """\
**Rolling**
`/roll 1d20+5 attack` or `{p}roll 1d20+5 attack` (also `{p}r`): roll, with a comment
`/build` or `{p}build`: build a roll with buttons, no notation needed
`/odds 4d6kh3 15` or `{p}odds 4d6kh3 15`: exact odds, with a chart
`/roll fitd(3)`, `/roll pbta(1)`, `/roll v5(7, 2)`: game systems' rolls name their outcome \
(`/help system` lists them)
`/roll 1d20+3 stealth secret:true` or `{p}gmroll 1d20+3 stealth` (also `{p}gr`): a secret roll, \
for you and the GM channel; the table sees that you rolled
Under each result, *Roll again* rolls it anew and *Reveal* shows a private or secret one to \
the table (you, or the GM)

**Saved rolls**
`/rolls save attack 1d20+7 attack`, then `/roll attack` or `{p}r attack + 2`
`/rolls list`, `/rolls show`, `/rolls delete`, `/rolls rename`, `/rolls export`, `/rolls import`

**Statistics**
`/stats me` or `{p}stats`: your rolls, nat 20s and 1s, and how fair your d20 is
`/stats server`, `/stats bot`: this server's luck; the bot's health
`/stats forget-me`: delete everything Nazh keeps about you

**Settings**
`/prefix`: this server's prefix for message commands (now `{p}`); managers can change it
`/settings notation`: which roller's notation your rolls follow (Roll20, Foundry, Avrae ...)
`/settings system`: this server's game system, offered first as you type `/roll`
`/settings gm`: where secret rolls go, the GM role, the table's notice
`/settings buttons`: the buttons under results, and whether anyone may roll again
`/settings inline`: roll `[[1d20+5]]` written inside messages
Mentioning me works as a prefix everywhere: `@Nazh roll 1d20`.

More: `/help notation`, `/help saved`, `/help system`, `/help builder`, `/help stats`."""

_NOTATION = """\
**Dice** `1d20` `3d6` `d%` (1-100) `4dF` (Fate) `d[2,2,4,4,6,6]` · `(1d4)d6`
**Math** `+ - * / % ^` and parentheses; `/` rounds down · `1.5` · `floor()` `ceil()` \
`round()` `abs()` `min(a, b)` `max(a, b)`
**Keep/drop** `4d6kh3` keep highest 3 (`k3` too) · `2d20kl` · `4d6dl1` · `4d6k>4` keep above 4
**Rerolls** `2d6rr<2` until none below 2 · `2d6ro1` once · `3d6ra6` a 6 adds a die · `3d6u` unique
**Explode** `3d6!` on the maximum · `3d6!>4` · `3d6!!` compound · `3d6!p` penetrate · `3d6xo` once
**Clamp** `4d6mi2` (`min2`) at least 2 · `4d6ma5` (`max5`) at most 5 · **Sort** `4d6s` `4d6sd`
**Successes** `10d10>=7` count 7+ · `f1` minus the 1s · `6d6even` · `1d20cs>=19` crits on 19-20
**Sets** `(1d4, 2d6, 3)kh1` the highest total · `{{1d6, 1d6}}>3` totals above 3
**Advantage** `1d20+5 adv`, `1d20 dis`, or `2d20kh1+5`
**Repeat** `6#4d6kh3` six rolls · `1d20+5 hit; 2d6 damage` several rolls
**Labels** `2d6[fire] + 1d4[cold]` · text after the roll is its comment (or after `//`)

**Other rollers' notation** `/settings notation <dialect>` for the server, `scope:me` for \
you, or one roll: `roll20: 3d6>3`. Where they differ from Nazh:
`avrae` `k3` keeps the 3s · `d%` a tens die · `/` exact, total truncated · `//` divides · \
`1d20>=15` compares totals
`roll20` `>3` means 3 or more · `/` exact · `{{4d6}}kh2` keeps dice inside · fixed modifier order
`foundry` `r` rerolls once · `cs`/`cf` count · `#` starts the comment · `/` exact
`dicemaiden` `4d6 k3` and `6 4d6` · `e6` once on 6+ · `r2` once on 2- · `t7` · `!` comment
`rpg-dice-roller` `//` `#` `/* */` comments · `/` exact · keep and drop see every die

Limits: 1,000 dice, 1,000,000 sides, 20 repetitions, 1,000 characters a roll."""

_BUILDER = """\
`/build` (or `{p}build`) opens a builder that writes the notation for you:
- pick a die from the menu (*Other size…* for any size), then −/+ for how many
- *Advantage* / *Disadvantage* for a d20, keep the highest or lowest few, make dice explode
- add a modifier with −5 −1 +1 +5; *Target…* shows the chance to reach a total
- *Roll* posts to the channel, *Roll privately* shows only you; the builder stays open
- *Undo* steps back and *Clear* (last in the die menu) starts over; a greyed-out control says why
- *Save…* saves the roll as one of yours; an empty builder can start from a saved roll

A builder closes after a while without a click (10 minutes unless the bot's owner set another
time), and opening a new one closes your old one."""

_SAVED = """\
Save a roll once, then roll it by name anywhere a roll goes:
`/rolls save attack 1d20+7 attack` (or `{p}rolls save attack 1d20+7 attack`)
`/roll attack` · `attack + 1d4` · `2#attack` · `max(attack, attack)` · `attack adv`
**Parameters** `/rolls save smite {{level=1}}d8+{{bonus=0}} radiant`, then `smite`, `smite(3)` \
or `smite(level=3, bonus=2)`; `{{name}}` without a default must be given
**Several rolls** `/rolls save full 1d20+7 to hit; 2d6+4 damage` rolls both as `full`
**Server rolls** `scope:server` (Manage Server, or the role set with `/settings roll-managers`); \
everyone can roll them. Your own roll of the same name wins; `server:attack` rolls the server's.
`/rolls list` · `/rolls show smite` (what it rolls) · `/rolls rename` · `/rolls delete`
`/rolls export` sends a file; `/rolls import file:` reads one (all of it, or nothing)
Names: 1-32 letters, digits, `_` and `-`, not dice (`d20`), a function, a dialect or a game \
system. At most 200 rolls per player and 500 per server; saved rolls may use each other, 5 deep."""

_STATS = """\
Every roll you make is counted (rolls in DMs count under *everywhere*).
`/stats me [user] [scope]`: rolls, dice by size, nat 20s and 1s against the expected count, \
your average d20 against 10.5, and a chi-square fairness verdict once there are enough rolls
`/stats server`: total rolls, the most active players, the luckiest and unluckiest d20s \
(after 30 d20s each)
`/odds 2d20kh1+5 15`: mean, spread, range, your chance of 15 or more, percentiles, a chart
`/stats forget-me`: delete your statistics and saved rolls, after you confirm"""


def _braced(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


_SYSTEMS = (
    "A game system's roll is called by name and says its outcome: `/roll fitd(3) sneaking`, "
    "`{p}r pbta(1)`, `3#pbta(1)`. `/odds fitd(3)` gives the exact odds of each outcome.\n"
    "`/help system <name>` shows one system's card. A server can pick its own with "
    "`/settings system` (Manage Server): its roll then comes first as you type `/roll`.\n\n"
    + "\n".join(
        _braced(f"**{system.name}** {system.title} · `{system.usage}`")
        for system in SYSTEMS.values()
    )
)

TOPICS: dict[str, tuple[str, str]] = {
    "commands": ("Nazh: commands", _COMMANDS),
    "notation": ("Nazh: dice notation", _NOTATION),
    "saved": ("Nazh: saved rolls", _SAVED),
    "system": ("Nazh: game systems", _SYSTEMS),
    "builder": ("Nazh: the dice builder", _BUILDER),
    "stats": ("Nazh: statistics and odds", _STATS),
}
"""Each topic's embed title and text; ``{p}`` stands for the server's prefix."""


def help_card(topic: str, prefix: str) -> hikari.Embed:
    """The help embed of one of `TOPICS`."""
    title, text = TOPICS[topic]
    embed = hikari.Embed(title=title, description=text.format(p=prefix), colour=COLOUR)
    embed.set_footer("Topics: " + ", ".join(TOPICS))
    return embed


def system_card(system: System[Any], *, server: bool = False) -> hikari.Embed:
    """A game system's card: its usage, its outcomes worst to best, its rule in brief and the
    edition it follows; `server` says it is the server's own system."""
    outcomes = ", ".join(system.outcomes)
    description = (
        f"**Usage** `{system.usage}`\n**Outcomes**, worst to best: {outcomes}\n\n{system.card}"
    )
    embed = hikari.Embed(
        title=f"{system.title} · {system.name}", description=description, colour=COLOUR
    )
    mine = "This server's game system · " if server else ""
    embed.set_footer(
        f"{mine}Odds of each outcome: /odds {system.typical} · Every system: /help system"
    )
    return embed


async def server_system(storage: Storage, guild_id: int | None) -> System[Any] | None:
    """The server's game system; None in DMs, when none is set, when this version does not
    know the stored name, or when storage cannot be read (logged)."""
    if guild_id is None:
        return None
    try:
        name = (await storage.guild_settings(guild_id)).system
    except Exception as error:
        _LOGGER.warning("cannot read the server's game system: %s", error)
        return None
    return None if name is None else get_system(name)


def system_named(text: str) -> System[Any] | None:
    """The system `text` names, by its name or a call of it (`fitd`, `FITD(3)`), or None."""
    return get_system(text.strip().partition("(")[0].strip())


def unknown_system(text: str) -> str:
    """The answer to a name that is no game system, with the names that are."""
    shown = text.strip().replace("`", "")[:32]
    known = ", ".join(f"`{name}`" for name in SYSTEMS)
    return f"There is no game system `{shown}`. I know {known}."


async def show_help(
    invocation: Invocation, topic: str | None, system_name: str | None = None
) -> None:
    """Answer with the help of `topic` (all commands when None), privately where possible.

    The `system` topic shows the card of `system_name` (giving one implies the topic), else
    the server's system card, else the list of every system.
    """
    chosen = system_name.strip() if system_name else ""
    name = "system" if chosen else (topic or "commands").strip().casefold() or "commands"
    if name not in TOPICS:
        await invocation.respond(
            f"I have help on {', '.join(f'`{t}`' for t in TOPICS)}.", ephemeral=True
        )
        return
    if chosen:
        system = system_named(chosen)
        if system is None:
            await invocation.respond(unknown_system(chosen), ephemeral=True)
            return
        await invocation.respond(embeds=[system_card(system)], ephemeral=True)
        return
    if name == "system":
        system = await server_system(invocation.services.storage, invocation.guild_id)
        if system is not None:
            await invocation.respond(embeds=[system_card(system, server=True)], ephemeral=True)
            return
    prefix = await _prefix_of(invocation)
    await invocation.respond(embeds=[help_card(name, prefix)], ephemeral=True)


async def _prefix_of(invocation: Invocation) -> str:
    services = invocation.services
    try:
        return await services.guild_prefix(invocation.guild_id)
    except Exception as error:
        _LOGGER.warning("cannot read the prefix for /help, showing the default: %s", error)
        return services.settings.prefix
