"""The builder's miru view: controls that step a `Build`, and the message that shows it."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import TYPE_CHECKING, Literal

import hikari
import miru

from nazh.builder.model import COMMON_DICE, Build, Op, Step, StepRefused, die_label
from nazh.builder.render import describe, ended
from nazh.builder.summary import summarize
from nazh.commands import roll as rolling
from nazh.compat import forget_modal
from nazh.dice.limits import MAX_SIDES
from nazh.invocation import ComponentInvocation

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.builder.hub import BuilderHub
    from nazh.invocation import Invocation

__all__ = ("KEEP_CHOICES", "BuilderModal", "BuilderView", "SidesModal", "TargetModal")

_LOGGER = logging.getLogger(__name__)

KEEP_CHOICES = 12
"""Most dice a keep-highest or keep-lowest option offers (2 x 12 + 'keep all' = 25 options)."""
_MAX_DIGITS = 13
OTHER = "other"
"""The die select's value that opens the any-size modal."""


class _StepButton(miru.Button):
    """A button that takes one step; its label may depend on the selected die."""

    def __init__(
        self,
        custom_id: str,
        step: Step,
        label: str | Callable[[Build], str],
        row: int,
        style: Literal[hikari.ButtonStyle.SECONDARY, hikari.ButtonStyle.DANGER] = (
            hikari.ButtonStyle.SECONDARY
        ),
    ) -> None:
        self.step = step
        self.name = label
        text = label if isinstance(label, str) else "-"
        super().__init__(label=text, custom_id=custom_id, style=style, row=row)

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
        else:
            await self.view.take(context, Step(Op.DIE, int(value)))


class _KeepSelect(miru.TextSelect):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.take(context, Step(Op.KEEP, int(self.values[0])))


class BuilderModal(miru.Modal):
    """A modal that asks its builder for one number; stopped, it lets go of the builder."""

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


class _TargetButton(miru.Button):
    async def callback(self, context: miru.ViewContext, /) -> None:
        assert isinstance(self.view, BuilderView)
        await self.view.ask(context, TargetModal)


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
    ) -> None:
        super().__init__(timeout=timeout, autodefer=False)
        self.hub = hub
        self.owner = owner
        self.opener = opener
        self.state = state or Build()
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
            _StepButton("build:clear", Step(Op.CLEAR), "Clear", 4, hikari.ButtonStyle.DANGER),
        ]
        self._undo = _UndoButton(label="Undo", custom_id="build:undo", row=4)
        self._rolls = [
            _RollButton("build:roll", "Roll", 4, private=False),
            _RollButton("build:roll-private", "Roll privately", 4, private=True),
        ]
        for item in (self._die, *self._buttons[:5], self._keep, *self._buttons[5:]):
            self.add_item(item)
        self._target = _TargetButton(label="Target…", custom_id="build:target", row=4)
        for item in (self._undo, *self._rolls, self._target):
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
        self._fit_keep(unavailable)
        for button in self._buttons:
            button.label = button.label_for(state)
            reason = state.check(button.step)
            button.disabled = reason is not None
            if reason is not None and not (button.step.op is Op.CLEAR and state.empty):
                unavailable.append((button.label_for(state), reason))
        self._undo.disabled = not state.can_undo
        for button in (*self._rolls, self._target):
            button.disabled = state.empty
        target = state.target
        self._target.label = "Target…" if target is None else f"Target: {target:,}"
        if state.empty:
            unavailable.append(("Roll, Target", "nothing to roll yet"))
        return describe(state, summarize(state), dict.fromkeys(unavailable))

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
        await context.respond(
            "This builder has ended; use `/build` for a new one."
            if self.ended is not None
            else f"This builder belongs to <@{self.owner.id}>; use `/build` to open your own.",
            flags=hikari.MessageFlag.EPHEMERAL,
            mentions_everyone=False,
            user_mentions=False,
            role_mentions=False,
        )
        return False

    async def take(self, context: miru.ViewContext | miru.ModalContext, step: Step) -> None:
        """Take `step` and show the result, or tell the player why it can't be taken."""
        try:
            self.state = self.state.apply(step)
        except StepRefused as refused:
            await context.respond(
                f"I can't do that: {refused}.",
                flags=hikari.MessageFlag.EPHEMERAL,
                mentions_everyone=False,
                user_mentions=False,
                role_mentions=False,
            )
            return
        await self.show(context)

    async def undo(self, context: miru.ViewContext) -> None:
        """Take back the last step."""
        with contextlib.suppress(StepRefused):
            self.state = self.state.undo()
        await self.show(context)

    async def show(self, context: miru.ViewContext | miru.ModalContext) -> None:
        """Update the builder message in answer to `context`."""
        await context.edit_response(self.render(), components=self, user_mentions=False)
        self._editor = context
        self._edited_at = time.monotonic()

    async def roll(self, context: miru.ViewContext, *, private: bool) -> None:
        """Roll the build through `/roll`'s engine, rendering and statistics.

        When the token that edits the builder would run out before the builder expires (a player
        who only rolls, for minutes), this click updates the message to take over with its fresh
        token and the roll follows up.
        """
        if self._token_running_out():
            await self.show(context)
        invocation = ComponentInvocation(self.hub.services, context)
        await rolling.roll(invocation, self.state.notation, private=private)

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
        """Open a modal of `kind` (any die size, target total)."""
        await context.respond_with_modal(self.new_modal(kind))

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
            await context.respond(
                f"`{text.strip()[:20]}` isn't {what}: type a whole number{floor}.",
                flags=hikari.MessageFlag.EPHEMERAL,
                mentions_everyone=False,
                user_mentions=False,
                role_mentions=False,
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
