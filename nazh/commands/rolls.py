"""``/rolls`` and ``!rolls``: save, list, show, delete, rename, export and import saved rolls."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import hikari

from nazh import dice
from nazh.saved import transfer
from nazh.saved.lookup import load_table
from nazh.saved.rules import SERVER_QUALIFIER, SavedRollError, check_name, check_text
from nazh.storage import RenameOutcome, SavedRollLimitError, roll_limit

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nazh.invocation import Invocation
    from nazh.saved.table import SavedTable
    from nazh.storage import SavedRoll, Storage
    from nazh.storage import Scope as StoredScope

__all__ = (
    "PREFIX_USAGE",
    "Scope",
    "Upload",
    "delete",
    "export",
    "import_file",
    "list_rolls",
    "may_manage",
    "name_choices",
    "prefix",
    "rename",
    "save",
    "saved_choices",
    "saved_for_completion",
    "show",
    "split_scope",
)

Scope = Literal["me", "server"]

_MAX_REPLY = 1900
_SHOWN_TEXT = 80
_SERVER_IN_DMS = "Server rolls live on a server: use this there, or leave out `scope:server`."


@dataclass(frozen=True, slots=True)
class Upload:
    """A file a player attached: its name, its size as Discord gives it, and how to read it."""

    filename: str
    size: int
    read: Callable[[], Awaitable[bytes]]


def split_scope(name: str, scope: Scope) -> tuple[str, Scope]:
    """`server:attack` names the server's roll whatever `scope` says."""
    stripped = name.strip()
    if stripped.lower().startswith(SERVER_QUALIFIER):
        return stripped[len(SERVER_QUALIFIER) :], "server"
    return stripped, scope


async def may_manage(invocation: Invocation) -> bool:
    """Whether the caller may change the server's saved rolls: Manage Server, or the role the
    server named with `/settings roll-managers`."""
    if invocation.guild_id is None:
        return False
    if invocation.manages_guild:
        return True
    role = (await invocation.services.storage.guild_settings(invocation.guild_id)).roll_manager_role
    return role is not None and role in invocation.role_ids


async def _owner(invocation: Invocation, scope: Scope) -> tuple[StoredScope, int] | None:
    """Whose rolls `scope` means here; None (after saying why) for a server scope in DMs."""
    if scope == "me":
        return "user", invocation.user.id
    if invocation.guild_id is None:
        await invocation.respond(_SERVER_IN_DMS, ephemeral=True)
        return None
    return "guild", invocation.guild_id


async def _managing(invocation: Invocation) -> bool:
    """Whether the caller may change server rolls; if not, says so and how it is granted."""
    if await may_manage(invocation):
        return True
    hint = (
        "use the slash command `/rolls`, where Discord checks that permission"
        if invocation.source == "prefix"
        else "a server manager can name a role for this with `/settings roll-managers`"
    )
    await invocation.respond(
        "Only members with Manage Server (or the server's roll-manager role) can change "
        f"the server's saved rolls; {hint}.",
        ephemeral=True,
    )
    return False


def _count(number: int) -> str:
    return f"{number} saved roll{'' if number == 1 else 's'}"


def _quoted(text: str, limit: int = _SHOWN_TEXT) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"`{shown.replace('`', 'ˋ')}`"


async def save(invocation: Invocation, name: str, text: str, scope: Scope = "me") -> None:
    """Save `text` under `name` for the caller, or for the server."""
    name, scope = split_scope(name, scope)
    owner = await _owner(invocation, scope)
    if owner is None or (scope == "server" and not await _managing(invocation)):
        return
    services = invocation.services
    try:
        key = check_name(name)
        table = await load_table(services.storage, invocation.user.id, invocation.guild_id)
        table.put(key, text.strip(), server=scope == "server")
        choice = await services.dialect_for(invocation.guild_id, invocation.user.id)
        macro = check_text(key, text, choice.dialect, table.resolve)
        saved = await services.storage.saved.save(
            *owner,
            key,
            text.strip(),
            author_id=invocation.user.id if scope == "server" else None,
        )
    except SavedRollError as error:
        await invocation.respond(f"I can't save that: {error}.", ephemeral=True)
        return
    except SavedRollLimitError as error:
        whose = "You have" if scope == "me" else "This server has"
        await invocation.respond(
            f"{whose} {error.current} saved rolls, the most that can be kept: "
            "delete one first (`/rolls delete`).",
            ephemeral=True,
        )
        return
    call = f"{SERVER_QUALIFIER}{key}" if scope == "server" else key
    lines = [
        f"Saved {_quoted(macro.signature)} = {_quoted(saved.roll.expression, 300)}"
        + (" for this server." if scope == "server" else ".")
    ]
    if saved.previous is not None:
        lines.append(f"It replaces {_quoted(saved.previous, 300)}.")
    example = f"{call}(…)" if macro.params else call
    lines.append(f"Roll it with `/roll {example}` or `!r {example}`; use it inside rolls too.")
    await invocation.respond("\n".join(lines), ephemeral=True)


def _listing(title: str, rolls: list[SavedRoll], room: int) -> tuple[list[str], int]:
    lines = [title]
    used = len(title) + 1
    for shown, roll in enumerate(rolls):
        line = f"`{roll.name}` · {_quoted(roll.expression)}"
        if used + len(line) + 1 > room:
            lines.append(f"…and {len(rolls) - shown} more: `/rolls export` has them all.")
            break
        lines.append(line)
        used += len(line) + 1
    return lines, used


async def list_rolls(invocation: Invocation) -> None:
    """The caller's saved rolls, then the server's."""
    saved = invocation.services.storage.saved
    mine = await saved.list_rolls("user", invocation.user.id)
    server = await saved.list_rolls("guild", invocation.guild_id) if invocation.guild_id else []
    if not mine and not server:
        await invocation.respond_private(
            "No saved rolls yet. Save one with `/rolls save attack 1d20+5 attack`, "
            "then roll it with `/roll attack`."
        )
        return
    lines: list[str] = []
    room = _MAX_REPLY
    if mine:
        title = f"**Your saved rolls** ({len(mine)}/{roll_limit('user')}):"
        part, used = _listing(title, mine, room if not server else room // 2)
        lines += part
        room -= used
    if server:
        title = f"**This server's saved rolls** ({len(server)}/{roll_limit('guild')}):"
        lines += _listing(title, server, room)[0]
    await invocation.respond_private("\n".join(lines))


async def show(invocation: Invocation, name: str) -> None:
    """One saved roll: its parameters, its text, and what it expands to with its defaults."""
    services = invocation.services
    table = await load_table(services.storage, invocation.user.id, invocation.guild_id)
    key = name.strip().lower()
    macro = table.macro(key)
    if macro is None:
        await invocation.respond(_missing(name, table), ephemeral=True)
        return
    lines = [f"{_quoted(macro.signature)} = {_quoted(macro.text, 400)}"]
    if macro.qualifier and not key.startswith(SERVER_QUALIFIER):
        lines.append("This is the server's roll (you have none of that name).")
    choice = await services.dialect_for(invocation.guild_id, invocation.user.id)
    try:
        expanded = dice.parse(macro.sample(), choice.dialect, resolve=table.resolve)
    except dice.DiceError as error:
        lines.append(f"It doesn't roll any more: {str(error).partition(chr(10))[0]}")
    else:
        defaults = " with its defaults" if macro.params else ""
        lines.append(
            f"It rolls{defaults}: {_quoted(expanded.text, 600)} "
            f"({expanded.minimum} to {expanded.maximum})."
        )
    await invocation.respond_private("\n".join(lines))


def _missing(name: str, table: SavedTable) -> str:
    return f"There's no saved roll called {_quoted(name.strip(), 40)}" + (
        " (`/rolls list` shows them)." if len(table) else "; `/rolls save` makes one."
    )


async def delete(invocation: Invocation, name: str, scope: Scope = "me") -> None:
    """Delete one of the caller's (or the server's) saved rolls."""
    name, scope = split_scope(name, scope)
    owner = await _owner(invocation, scope)
    if owner is None or (scope == "server" and not await _managing(invocation)):
        return
    gone = await invocation.services.storage.saved.delete(*owner, name.strip().lower())
    if gone is None:
        whose = "You have" if scope == "me" else "This server has"
        await invocation.respond(
            f"{whose} no saved roll called {_quoted(name.strip(), 40)}.", ephemeral=True
        )
        return
    await invocation.respond(
        f"Deleted {_quoted(gone.name)} ({_quoted(gone.expression)}).", ephemeral=True
    )


async def rename(invocation: Invocation, old: str, new: str, scope: Scope = "me") -> None:
    """Give one of the caller's (or the server's) saved rolls another name."""
    old, scope = split_scope(old, scope)
    owner = await _owner(invocation, scope)
    if owner is None or (scope == "server" and not await _managing(invocation)):
        return
    try:
        key = check_name(new)
    except SavedRollError as error:
        await invocation.respond(f"I can't rename it: {error}.", ephemeral=True)
        return
    result = await invocation.services.storage.saved.rename(*owner, old.strip().lower(), key)
    if result.outcome is RenameOutcome.MISSING:
        answer = f"There's no saved roll called {_quoted(old.strip(), 40)} to rename."
    elif result.outcome is RenameOutcome.TAKEN:
        answer = f"{_quoted(key)} is already a saved roll; delete or rename that one first."
    else:
        answer = f"Renamed {_quoted(old.strip().lower())} to {_quoted(key)}."
    await invocation.respond(answer, ephemeral=True)


async def export(invocation: Invocation, scope: Scope = "me") -> None:
    """Send the caller's (or the server's) saved rolls as a JSON file."""
    owner = await _owner(invocation, scope)
    if owner is None:
        return
    rolls = await invocation.services.storage.saved.list_rolls(*owner)
    if not rolls:
        await invocation.respond("There are no saved rolls to export yet.", ephemeral=True)
        return
    filename = "nazh-server-rolls.json" if scope == "server" else "nazh-rolls.json"
    data = transfer.dump(rolls, owner[0])
    await invocation.respond_private(
        f"{_count(len(rolls))}. `/rolls import` reads this file back, here or elsewhere.",
        attachments=[hikari.Bytes(data, filename, mimetype="application/json")],
    )


async def import_file(
    invocation: Invocation, upload: Upload, *, replace: bool = False, scope: Scope = "me"
) -> None:
    """Read a saved-rolls file: all its rolls, or (on any problem) none."""
    owner = await _owner(invocation, scope)
    if owner is None or (scope == "server" and not await _managing(invocation)):
        return
    refusal = await _import(invocation, upload, owner, replace=replace)
    if refusal is not None:
        await invocation.respond(f"Nothing was imported: {refusal}.", ephemeral=True)


async def _import(
    invocation: Invocation, upload: Upload, owner: tuple[StoredScope, int], *, replace: bool
) -> str | None:
    """Import, and say what was done; or return why not."""
    if upload.size > transfer.MAX_FILE_BYTES:
        return f"the file is too big: at most {transfer.MAX_FILE_BYTES // 1024} KiB"
    services = invocation.services
    try:
        data = await upload.read()
    except Exception:
        return "I couldn't download the file from Discord; try again"
    scope, owner_id = owner
    try:
        pairs = transfer.load(data, limit=roll_limit(scope))
    except transfer.ImportFileError as error:
        return str(error)
    table = await load_table(services.storage, invocation.user.id, invocation.guild_id)
    for name, text in pairs:
        table.put(name, text, server=scope == "guild")
    choice = await services.dialect_for(invocation.guild_id, invocation.user.id)
    for number, (name, text) in enumerate(pairs, 1):
        try:
            check_text(name, text, choice.dialect, table.resolve)
        except SavedRollError as error:
            return f"roll {number} of the file: {error}"
    try:
        result = await services.storage.saved.import_rolls(
            scope,
            owner_id,
            pairs,
            replace=replace,
            author_id=invocation.user.id if scope == "guild" else None,
        )
    except SavedRollLimitError as error:
        return (
            f"it would make {error.resulting} saved rolls, and at most {error.limit} can be "
            "kept (import with `replace` to drop the ones the file does not have)"
        )
    parts = [f"{result.added} new", f"{result.changed} changed"]
    if result.removed:
        parts.append(f"{result.removed} removed")
    whose = "You have" if scope == "user" else "This server has"
    await invocation.respond(
        f"Imported {_quoted(upload.filename, 60)}: {', '.join(parts)}. "
        f"{whose} {_count(result.total)} now.",
        ephemeral=True,
    )
    return None


PREFIX_USAGE = (
    "Usage: `rolls save <name> <roll>` (`server:<name>` for the server's), `rolls list`, "
    "`rolls show <name>`, `rolls delete <name>`, `rolls rename <old> <new>`, "
    "`rolls export [server]`, `rolls import [replace] [server]` with the file attached."
)


async def prefix(invocation: Invocation, text: str, uploads: list[Upload]) -> None:
    """``!rolls <subcommand> ...``: the same commands as ``/rolls``."""
    sub, _, rest = text.strip().partition(" ")
    sub, rest = sub.casefold(), rest.strip()
    words = rest.split()
    flags = {word.casefold() for word in words}
    scope: Scope = "server" if "server" in flags else "me"
    if sub == "save" and len(words) >= 2:
        name, _, body = rest.partition(" ")
        await save(invocation, name, body)
    elif sub in ("list", ""):
        await list_rolls(invocation)
    elif sub == "show" and len(words) == 1:
        await show(invocation, rest)
    elif sub in ("delete", "remove") and len(words) == 1:
        await delete(invocation, rest)
    elif sub == "rename" and len(words) == 2:
        await rename(invocation, words[0], words[1])
    elif sub == "export" and flags <= {"server"}:
        await export(invocation, scope)
    elif sub == "import" and flags <= {"server", "replace"}:
        if not uploads:
            await invocation.respond(
                "Attach the file (from `/rolls export`) to the message.", ephemeral=True
            )
            return
        await import_file(invocation, uploads[0], replace="replace" in flags, scope=scope)
    else:
        await invocation.respond(PREFIX_USAGE, ephemeral=True)


_MAX_CHOICE = 100
_COMPLETION_WAIT = 1.0


def saved_choices(rolls: list[SavedRoll], partial: str) -> list[tuple[str, str]]:
    """Autocomplete (label, value) pairs of the saved rolls whose call starts with `partial`:
    the player's first, then the server's (as `server:name` when the player's name hides it)."""
    folded = partial.strip().casefold()
    personal = {roll.name for roll in rolls if roll.scope == "user"}
    found: list[tuple[str, str]] = []
    for roll in sorted(rolls, key=lambda r: (r.scope != "user", r.name)):
        hidden = roll.scope == "guild" and roll.name in personal
        call = f"{SERVER_QUALIFIER}{roll.name}" if hidden else roll.name
        if not call.startswith(folded) and not roll.name.startswith(folded):
            continue
        label = f"{call} · {roll.expression}"
        if len(label) > _MAX_CHOICE:
            label = label[: _MAX_CHOICE - 1] + "…"
        found.append((label, call))
    return found


async def saved_for_completion(
    storage: Storage, user_id: int, guild_id: int | None
) -> list[SavedRoll]:
    """The saved rolls to offer while typing; none when storage cannot be read at once
    (autocomplete must answer within three seconds)."""
    try:
        async with asyncio.timeout(_COMPLETION_WAIT):
            return await storage.saved.for_roller(user_id, guild_id)
    except Exception:
        return []


async def name_choices(
    storage: Storage, partial: str, *, user_id: int, guild_id: int | None
) -> list[tuple[str, str]]:
    """Autocomplete choices of saved-roll names."""
    saved = await saved_for_completion(storage, user_id, guild_id)
    return saved_choices(saved, partial)[:25]
