"""The builder's miru view: controls that step a `Build`, and the message that shows it."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

import hikari
import miru

from nazh import dice
from nazh.builder.model import COMMON_DICE, Build, Op, Step, StepRefused, die_label
from nazh.builder.render import describe, ended
from nazh.builder.saved import load
from nazh.builder.summary import summarize
from nazh.commands import roll as rolling
from nazh.commands import rolls
from nazh.compat import forget_modal
from nazh.dice.limits import MAX_SIDES
from nazh.invocation import ComponentInvocation
from nazh.saved.rules import MAX_NAME_LENGTH
from nazh.saved.table import SavedTable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nazh.builder.hub import BuilderHub
    from nazh.dice.systems import System
    from nazh.invocation import Invocation
    from nazh.storage import SavedRoll

__all__ = (
    "KEEP_CHOICES",
    "MAX_SAVED_CHOICES",
    "BuilderModal",
    "BuilderView",
    "SaveModal",
    "SidesModal",
    "TargetModal",
)

_LOGGER = logging.getLogger(__name__)

KEEP_CHOICES = 12
"""Most dice a keep-highest or keep-lowest option offers (2 x 12 + 'keep all' = 25 options)."""
_MAX_DIGITS = 13
OTHER = "other"
"""The die select's value that opens the any-size modal."""
CLEAR = "clear"
"""The die select's value that clears the build."""
MAX_SAVED_CHOICES = 25
"""Choices the start-from select offers (Discord's most options): the server's game system's
roll, then saved rolls, the player's first."""
SYSTEM_CHOICE = "system:"
"""Prefix of the start-from value that rolls the server's game system."""
_MAX_OPTION = 100
_MAX_LEFT_OUT = 3


class _StepButton(miru.Button):
    """A button that takes one step; its label may depend on the selected die."""

    def __init__(
        self,
        custom_id: str,
        step: Step,
        label: str | Callable[[Build], str],
        row: int,
    ) -> None:
        self.step = step
        self.name = label
        text = label if isinstance(label, str) else "-"
        super().__init__(label=text, custom_id=custom_id, row=row)

    def label_for(self, build: Build) -> str:
        return self.name if isinstance(self.name, str) else self.name(build)

    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.take(context, self.step)


class _RollButton(miru.Button):
    def __init__(self, custom_id: str, label: str, row: int, *, private: bool) -> None:
        style = hikari.ButtonStyle.PRIMARY if private else hikari.ButtonStyle.SUCCESS
        super().__init__(label=label, custom_id=custom_id, style=style, row=row)
        self.private = private

    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.roll(context, private=self.private)


class _UndoButton(miru.Button):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.undo(context)


class _DieSelect(miru.TextSelect):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        value = self.values[0]
        if value == OTHER:
            await self.view.ask(context, SidesModal)
        elif value == CLEAR:
            await self.view.take(context, Step(Op.CLEAR))
        else:
            await self.view.take(context, Step(Op.DIE, int(value)))


class _KeepSelect(miru.TextSelect):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.take(context, Step(Op.KEEP, int(self.values[0])))


class _StartSelect(miru.TextSelect):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        value = self.values[0]
        if value.startswith(SYSTEM_CHOICE):
            await self.view.roll_system(context, value.removeprefix(SYSTEM_CHOICE))
        else:
            await self.view.start_from(context, value)


class BuilderModal(miru.Modal):
    """A modal that asks for one value for its builder; stopped, it lets go of the builder."""

    def __init__(self, builder: BuilderView, *, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.builder: BuilderView | None = builder

    def stop(self) -> None:
        super().stop()
        self.builder = None
        forget_modal(self)


class SidesModal(BuilderModal, title="Roll a die of any size"):
    """Asks for a die size."""

    sides = miru.TextInput(
        label="Sides",
        placeholder=f"a whole number from 1 to {MAX_SIDES:,}",
        min_length=1,
        max_length=12,
        required=True,
        custom_id="sides",
    )

    async def callback(self, context: miru.ModalContext, /) -> None:
        if self.builder is not None:
            await self.builder.got_sides(context, self.sides.value or "")


class TargetModal(BuilderModal, title="Chance to reach a total"):
    """Asks for the total the player wants to reach (blank clears it)."""

    target = miru.TextInput(
        label="Total to reach",
        placeholder="for example 15; leave empty to clear",
        max_length=14,
        required=False,
        custom_id="target",
    )

    async def callback(self, context: miru.ModalContext, /) -> None:
        if self.builder is not None:
            await self.builder.got_target(context, self.target.value or "")


class SaveModal(BuilderModal, title="Save this roll"):
    """Asks for the name to save the build under, as one of the player's saved rolls."""

    name = miru.TextInput(
        label="Name",
        placeholder="for example attack: letters, digits, _ and -",
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        required=True,
        custom_id="name",
    )

    async def callback(self, context: miru.ModalContext, /) -> None:
        if self.builder is not None:
            await self.builder.got_name(context, self.name.value or "")


class _TargetButton(miru.Button):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.ask(context, TargetModal)


class _SaveButton(miru.Button):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.ask(context, SaveModal)


def _keep_label(keep: int) -> str:
    if keep == 0:
        return "Keep all"
    return f"Keep highest {keep}" if keep > 0 else f"Keep lowest {-keep}"


def _selected_label(prefix: str) -> Callable[[Build], str]:
    def label(state: Build) -> str:
        term = state.term
        return f"{prefix} {term.label if term is not None else 'die'}"

    return label


def _signed(delta: int) -> str:
    return f"+{delta}" if delta > 0 else f"−{-delta}"


def _start_options(
    saved: Sequence[SavedRoll], system: System[Any] | None
) -> list[miru.SelectOption]:
    """The server's game system's roll first (rolled at once: the builder cannot hold it),
    then the saved rolls to start from, the player's first, each valued by how it is called."""
    options: list[miru.SelectOption] = []
    if system is not None:
        label = f"Roll {system.typical} · {system.title}"[:_MAX_OPTION]
        options.append(miru.SelectOption(label, f"{SYSTEM_CHOICE}{system.typical}"))
    choices = rolls.saved_choices(list(saved), "")[: MAX_SAVED_CHOICES - len(options)]
    options.extend(miru.SelectOption(label, call) for label, call in choices)
    return options


def _code(text: str, limit: int = 60) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"`{shown.replace('`', 'ˋ')}`"


async def _answer(context: miru.ViewContext | miru.ModalContext, text: str) -> None:
    """Answer only the player, pinging no one."""
    await context.respond(
        text,
        flags=hikari.MessageFlag.EPHEMERAL,
        mentions_everyone=False,
        user_mentions=False,
        role_mentions=False,
    )


class BuilderView(miru.View):
    """One player's builder: every control steps the build and re-renders the message.

    Controls whose step the build refuses are disabled and the message says why. Only `owner`
    may operate it; it ends on idle timeout, when replaced, or when the plugin unloads.
    """

    def __init__(
        self,
        hub: BuilderHub,
        owner: hikari.User,
        opener: Invocation,
        *,
        timeout: float,
        state: Build | None = None,
        saved: Sequence[SavedRoll] = (),
        system: System[Any] | None = None,
    ) -> None:
        super().__init__(timeout=timeout, autodefer=False)
        self.hub = hub
        self.owner = owner
        self.opener = opener
        self.state = state or Build()
        self.saved: Sequence[SavedRoll] = saved
        """The player's and the server's saved rolls, read when the builder opened (or saved)."""
        self.system = system
        """The server's game system, whose roll the start-from select offers first."""
        self.notice: str | None = None
        """A line about the last step, shown until the next one."""
        self.modal: BuilderModal | None = None
        self.ended: str | None = None
        """Why the builder ended, once it has."""
        self.stopped = False
        """Whether it stopped answering (it may not have said so on the message yet)."""
        self.shown = False
        """Whether its message was sent."""
        self._editor: miru.ViewContext | miru.ModalContext | None = None
        self._edited_at = time.monotonic()
        """When the interaction whose token edits the message arrived (the opener's at first)."""
        self._die = _DieSelect(
            options=[miru.SelectOption("d20", "20")],
            custom_id="build:die",
            placeholder="Add or pick a die",
            row=0,
        )
        self._keep = _KeepSelect(
            options=[miru.SelectOption("Keep all", "0")],
            custom_id="build:keep",
            placeholder="Keep some dice",
            row=2,
        )
        self._start = _StartSelect(
            options=[], custom_id="build:saved", placeholder="Start from a saved roll…", row=2
        )
        self._buttons = [
            _StepButton("build:fewer", Step(Op.FEWER), _selected_label("−"), 1),
            _StepButton("build:more", Step(Op.MORE), _selected_label("+"), 1),
            _StepButton("build:advantage", Step(Op.ADVANTAGE), "Advantage", 1),
            _StepButton("build:normal", Step(Op.NORMAL), "Normal", 1),
            _StepButton("build:disadvantage", Step(Op.DISADVANTAGE), "Disadvantage", 1),
            *(
                _StepButton(f"build:mod{delta:+d}", Step(Op.MODIFIER, delta), _signed(delta), 3)
                for delta in (-5, -1, 1, 5)
            ),
            _StepButton("build:explode", Step(Op.EXPLODE), self._explode_label, 3),
        ]
        self._save = _SaveButton(label="Save…", custom_id="build:save", row=4)
        self._undo = _UndoButton(label="Undo", custom_id="build:undo", row=4)
        self._rolls = [
            _RollButton("build:roll", "Roll", 4, private=False),
            _RollButton("build:roll-private", "Roll privately", 4, private=True),
        ]
        self._target = _TargetButton(label="Target…", custom_id="build:target", row=4)
        for item in (
            self._die,
            *self._buttons[:5],
            self._keep,
            *self._buttons[5:],
            self._save,
            self._undo,
            *self._rolls,
            self._target,
        ):
            self.add_item(item)

    @staticmethod
    def _explode_label(state: Build) -> str:
        term = state.term
        return "Exploding: on" if term is not None and term.explode else "Exploding: off"

    # -- rendering -------------------------------------------------------------------------------

    def render(self) -> str:
        """Fit every control to the build and return the message text."""
        state = self.state
        unavailable: list[tuple[str, str]] = []
        self._die.options = self._die_options(unavailable)
        if not self._fit_start():
            self._fit_keep(unavailable)
        for button in self._buttons:
            button.label = button.label_for(state)
            reason = state.check(button.step)
            button.disabled = reason is not None
            if reason is not None:
                unavailable.append((button.label_for(state), reason))
        self._undo.disabled = not state.can_undo
        for button in (*self._rolls, self._target, self._save):
            button.disabled = state.empty
        target = state.target
        self._target.label = "Target…" if target is None else f"Target: {target:,}"
        if state.empty:
            unavailable.append(("Roll, Target, Save", "nothing to roll yet"))
        return describe(state, summarize(state), dict.fromkeys(unavailable), self.notice)

    def _fit_start(self) -> bool:
        """Put the start-from select where the keep select goes, while the build is empty and
        the player has saved rolls (keeping needs dice); return whether it is there."""
        options = _start_options(self.saved, self.system) if self.state.empty else []
        shown, hidden = (self._start, self._keep) if options else (self._keep, self._start)
        if shown not in self.children:
            self.remove_item(hidden)
            self.add_item(shown)
        self._start.options = options
        return bool(options)

    def _die_options(self, unavailable: list[tuple[str, str]]) -> list[miru.SelectOption]:
        state = self.state
        sides = [*COMMON_DICE, *(t.sides for t in state.terms if t.sides not in COMMON_DICE)]
        options: list[miru.SelectOption] = []
        for size in sides:
            reason = state.check(Step(Op.DIE, size))
            picked = state.term is not None and state.term.sides == size
            if reason is None or picked:
                label = "dF (Fate)" if size == 0 else die_label(size)
                options.append(miru.SelectOption(label, str(size), is_default=picked))
            else:
                unavailable.append((die_label(size), reason))
        options.append(miru.SelectOption("Other size…", OTHER))
        if not state.empty:
            options.append(miru.SelectOption("Clear: start over", CLEAR))
        return options

    def _fit_keep(self, unavailable: list[tuple[str, str]]) -> None:
        term = self.state.term
        if term is None or term.count < 2:
            self._keep.options = [miru.SelectOption("Keep all", "0", is_default=True)]
            self._keep.disabled = True
            if term is not None:
                unavailable.append(("Keep", f"roll two or more {term.label} to keep some"))
            return
        most = min(term.count - 1, KEEP_CHOICES)
        choices = [0, *range(1, most + 1), *range(-1, -most - 1, -1)]
        self._keep.options = [
            miru.SelectOption(_keep_label(keep), str(keep), is_default=keep == term.keep)
            for keep in choices
            if self.state.check(Step(Op.KEEP, keep)) is None or keep == term.keep
        ]
        self._keep.disabled = False

    # -- actions ---------------------------------------------------------------------------------

    async def view_check(self, context: miru.ViewContext, /) -> bool:
        if context.user.id == self.owner.id and self.ended is None:
            return True
        await _answer(
            context,
            "This builder has ended; use `/build` for a new one."
            if self.ended is not None
            else f"This builder belongs to <@{self.owner.id}>; use `/build` to open your own.",
        )
        return False

    async def take(self, context: miru.ViewContext | miru.ModalContext, step: Step) -> None:
        """Take `step` and show the result, or tell the player why it can't be taken."""
        try:
            self.state = self.state.apply(step)
        except StepRefused as refused:
            await _answer(context, f"I can't do that: {refused}.")
            return
        self.notice = None
        await self.show(context)

    async def undo(self, context: miru.ViewContext) -> None:
        """Take back the last step."""
        with contextlib.suppress(StepRefused):
            self.state = self.state.undo()
        self.notice = None
        await self.show(context)

    async def start_from(self, context: miru.ViewContext, call: str) -> None:
        """Replace the build with what it can hold of the saved roll `call` (with its defaults),
        saying what it leaves out; or, holding none of it, say so and leave the build alone."""
        table = SavedTable(self.saved)
        macro = table.macro(call)
        if macro is None:
            await _answer(
                context, f"I can't find {_code(call)} any more; `/build` shows your saved rolls."
            )
            return
        choice = await self.hub.services.dialect_for(context.guild_id, self.owner.id)
        try:
            expression = dice.parse(macro.sample(), choice.dialect, resolve=table.resolve)
        except dice.DiceError as error:
            first = str(error).partition("\n")[0]
            await _answer(context, f"{_code(call)} doesn't roll any more: {first}")
            return
        loaded = load(expression)
        whole = f"`/roll {call}` rolls it whole"
        if loaded.build.empty:
            await _answer(
                context,
                f"The builder can't hold {_code(call)} ({_code(macro.text)}): {whole}.",
            )
            return
        try:
            self.state = self.state.start_from(loaded.build)
        except StepRefused as refused:
            await _answer(context, f"I can't start from {_code(call)}: {refused}.")
            return
        notice = f"Started from {_code(call)}" + (" with its defaults" if macro.params else "")
        if loaded.left_out:
            parts = [_code(part) for part in loaded.left_out[:_MAX_LEFT_OUT]]
            if len(loaded.left_out) > _MAX_LEFT_OUT:
                parts.append("…")
            notice += f", without {', '.join(parts)}: the builder can't hold that; {whole}"
        self.notice = f"{notice}."
        await self.show(context)

    async def show(self, context: miru.ViewContext | miru.ModalContext) -> None:
        """Update the builder message in answer to `context`."""
        await context.edit_response(self.render(), components=self, user_mentions=False)
        self._editor = context
        self._edited_at = time.monotonic()

    async def roll_system(self, context: miru.ViewContext, call: str) -> None:
        """Roll the server's game system's `call` as `/roll` would; the build stays as it is."""
        if self._token_running_out():
            await self.show(context)
        await rolling.roll(ComponentInvocation(self.hub.services, context), call)

    async def roll(self, context: miru.ViewContext, *, private: bool) -> None:
        """Roll the build through `/roll`'s engine, rendering and statistics.

        When the token that edits the builder would run out before the builder expires (a player
        who only rolls, for minutes), this click updates the message to take over with its fresh
        token and the roll follows up.
        """
        if self._token_running_out():
            await self.show(context)
        invocation = ComponentInvocation(self.hub.services, context)
        await rolling.roll(invocation, self.state.text, private=private)

    def _token_running_out(self) -> bool:
        if not self.opener.answers_expire:
            return False
        spare = self.hub.token_lifetime - (time.monotonic() - self._edited_at)
        return spare < 1.1 * (self.timeout or 0)

    def new_modal(self, kind: type[BuilderModal]) -> BuilderModal:
        """A fresh modal of `kind` for this builder, replacing the one it had open."""
        if self.modal is not None:
            self.modal.stop()
        self.modal = kind(self, timeout=self.timeout or 600.0)
        return self.modal

    async def ask(self, context: miru.ViewContext, kind: type[BuilderModal]) -> None:
        """Open a modal of `kind` (any die size, target total, name to save under)."""
        await context.respond_with_modal(self.new_modal(kind))

    async def got_name(self, context: miru.ModalContext, name: str) -> None:
        """Save the build as the player's saved roll `name`, as `/rolls save` does, and read
        the saved rolls again for the start-from select."""
        self.modal = None
        if self.ended is not None:
            return
        if rolls.split_scope(name, "me")[1] == "server":
            await _answer(
                context,
                "The builder saves your own rolls; a server roll is saved with "
                "`/rolls save` and `scope:server`.",
            )
            return
        services = self.hub.services
        await rolls.save(ComponentInvocation(services, context), name, self.state.text)
        self.saved = await rolls.saved_for_completion(
            services.storage, self.owner.id, context.guild_id
        )

    async def got_sides(self, context: miru.ModalContext, text: str) -> None:
        """Pick the die size typed in the modal, or explain why it isn't one."""
        cleaned = text.lower().strip().removeprefix("d")
        number = await self._number(context, cleaned, "a die size", low=1)
        if number is not None:
            await self.take(context, Step(Op.DIE, number))

    async def got_target(self, context: miru.ModalContext, text: str) -> None:
        """Set (or, blank, clear) the total whose chance the message shows."""
        if not text.strip():
            self.modal = None
            await self.take(context, Step(Op.TARGET, None))
            return
        number = await self._number(context, text, "a total")
        if number is not None:
            await self.take(context, Step(Op.TARGET, number))

    async def _number(
        self, context: miru.ModalContext, text: str, what: str, *, low: int | None = None
    ) -> int | None:
        self.modal = None
        if self.ended is not None:
            return None
        cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
        digits = cleaned.removeprefix("-")
        # str.isdigit() also accepts superscripts such as "²", which int() cannot read.
        if (
            not (digits.isascii() and digits.isdigit())
            or len(digits) > _MAX_DIGITS
            or (low is not None and int(cleaned) < low)
        ):
            floor = "" if low is None else f" from {low:,}"
            await _answer(
                context, f"`{text.strip()[:20]}` isn't {what}: type a whole number{floor}."
            )
            return None
        return int(cleaned)

    # -- ending ----------------------------------------------------------------------------------

    async def on_timeout(self) -> None:
        seconds = self.timeout or 0
        minutes = round(seconds / 60)
        amount, unit = (minutes, "minute") if minutes >= 1 else (seconds, "second")
        idle = f"{amount:g} {unit}{'' if amount == 1 else 's'}"
        if self.ended is None:
            # miru stops a timed-out view itself once this returns; stopping it here would
            # cancel the very task this runs in.
            self.ended = f"expired after {idle} idle; use `/build` for a new one"
            await self.show_ended()

    async def end(self, why: str) -> None:
        """Stop answering, disable every control and say why on the message."""
        if self.ended is not None:
            return
        self.ended = why
        self.stop()
        if self.shown:
            await self.show_ended()

    async def show_ended(self) -> None:
        """Show on the message that this builder ended, with its controls disabled."""
        for item in self.children:
            item.disabled = True
        why = self.ended or "replaced by a newer builder"
        text = ended(self.state, summarize(self.state), why)
        try:
            if self._editor is not None and self.opener.answers_expire:
                await self._editor.edit_response(text, components=self, user_mentions=False)
            else:
                await self.opener.edit_response(text, components=self)
        except hikari.HikariError as error:
            _LOGGER.debug("could not mark an ended builder: %s", error)

    def stop(self) -> None:
        self.stopped = True
        if self.modal is not None:
            self.modal.stop()
            self.modal = None
        super().stop()
        self.hub.forget(self)
