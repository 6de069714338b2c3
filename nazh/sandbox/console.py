"""The sandbox console: read what the person types, drive the bot, print what it answers.

The bot and the emulator run in an event loop on a background thread; the main thread reads
input (with readline history when stdin is a terminal) so Ctrl-C and Ctrl-D behave as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from nazh.loopback import LoopbackError
from nazh.loopback.protocol import OptionType
from nazh.loopback.wire import APPLICATION_COMMAND
from nazh.sandbox.downloads import Downloads
from nazh.sandbox.markdown import Style, paint
from nazh.sandbox.parsing import (
    Click,
    ConsoleError,
    Help,
    Nothing,
    Quit,
    Say,
    Select,
    Slash,
    parse_line,
)
from nazh.sandbox.render import ChannelView, modal_fields
from nazh.sandbox.session import Sandbox

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Generator
    from concurrent.futures import Future

    from nazh.loopback import JsonObject, LiveEvent, Outcome, StoredMessage
    from nazh.sandbox.parsing import (
        Action,
    )
    from nazh.sandbox.render import ComponentRef

__all__ = ("Console", "LoopThread", "run_sandbox")

_T = TypeVar("_T")
_KEYWORDS = ("help", "quit", "click ", "select ")
_HELP = """\
Type what you would type in Discord:
  /roll 4d6kh3 fireball            a slash command; its first option needs no name
  /roll expression:1d20 private:true
  !roll 1d20+5 attack              a prefix command (any other text is a plain message)
  /admin plugins                   you are the bot's owner here
  /CMD file:@path/to/file          a file option takes a local file, marked with @
  /CMD channel:#general role:@Adventurers user:@player1
                                   channels, roles and users by name (or id or <@id>)
Then:
  click N                          press button N of the last message shown with buttons
  select N VALUE...                choose in menu N (`select N` lists its options)
  help                             this text
  quit                             leave (Ctrl-D and Ctrl-C leave too)"""


class LoopThread:
    """An asyncio event loop on a daemon thread that the main thread hands coroutines to."""

    __slots__ = ("_thread", "loop")

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="nazh-sandbox", daemon=True)

    def _run(self) -> None:
        # Signals go to the main thread, so Ctrl-C interrupts the prompt rather than the loop.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def start(self) -> None:
        """Start the loop's thread."""
        self._thread.start()

    def submit(self, coroutine: Coroutine[Any, Any, _T]) -> Future[_T]:
        """Schedule ``coroutine`` on the loop."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        """Run ``coroutine`` on the loop and wait for its result; Ctrl-C cancels it."""
        future = self.submit(coroutine)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def stop(self) -> None:
        """Cancel what is left, stop the loop and close it."""
        with contextlib.suppress(RuntimeError):
            self.submit(_cancel_all()).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self.loop.close()


async def _cancel_all() -> None:
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class Console:
    """The interactive loop over a started :class:`Sandbox`."""

    __slots__ = (
        "_at_prompt",
        "_lock",
        "_readline",
        "downloads",
        "interactive",
        "out",
        "runner",
        "sandbox",
        "source",
        "view",
    )

    def __init__(
        self,
        sandbox: Sandbox,
        runner: LoopThread,
        *,
        color: bool,
        source: TextIO,
        out: TextIO,
        interactive: bool,
        downloads: Path | None = None,
    ) -> None:
        """``downloads``: where files the bot sends are saved (default: a new temporary
        directory on the first file, kept at exit)."""
        self.sandbox = sandbox
        self.runner = runner
        self.source = source
        self.out = out
        self.interactive = interactive
        self.downloads = Downloads(downloads)
        self.view = ChannelView(
            bot_id=sandbox.emulator.application_id,
            color=color,
            user_name=sandbox.user_name,
            role_name=sandbox.role_name,
            channel_name=sandbox.channel_name,
            saved_as=self.downloads.saved,
        )
        self._lock = threading.Lock()
        self._at_prompt = ""
        self._readline = _readline() if interactive else None

    @property
    def color(self) -> bool:
        """Whether the output carries ANSI styles."""
        return self.view.color

    def run(self) -> None:
        """Read and act on lines until quit, Ctrl-D or Ctrl-C."""
        self._setup_completion()
        self.write(self._banner())
        pump = self.runner.submit(self._pump_events())
        try:
            while True:
                line = self._read(self._prompt())
                if line is None:
                    break
                try:
                    action = parse_line(line, self.sandbox.commands)
                except ConsoleError as error:
                    self.error(str(error))
                    continue
                if isinstance(action, Quit):
                    break
                self.act(action)
        except KeyboardInterrupt:
            self.write("")
        finally:
            pump.cancel()
        self.write(paint("Bye.", Style.DIM, color=self.color))

    def act(self, action: Action) -> None:
        """Carry out one action and print what the bot answered."""
        try:
            if isinstance(action, Help):
                self.write(self._help())
            elif isinstance(action, Slash):
                self._follow(self.runner.call(self.sandbox.slash(action.path, action.options)))
            elif isinstance(action, Say):
                self.runner.call(self.sandbox.say(action.text))
            elif isinstance(action, Click):
                self._click(action)
            elif isinstance(action, Select):
                self._select(action)
            elif not isinstance(action, Nothing):
                raise ConsoleError(f"cannot do {action!r}")
        except (ConsoleError, LoopbackError, IndexError) as error:
            self.error(str(error).strip("'\""))
        except TimeoutError:
            self.error("the bot did not answer in time")
        except Exception as error:
            logging.getLogger("nazh.sandbox").exception("the console failed on %r", action)
            self.error(f"that failed unexpectedly ({type(error).__name__}: {error}); carrying on")
        self.runner.call(self._drain())

    def write(self, text: str) -> None:
        """Print a block of text without mangling a prompt being typed at."""
        with self._lock:
            if self._at_prompt and self._readline is not None:
                typed = self._readline.get_line_buffer()
                self.out.write(f"\r\x1b[K{text}\n{self._at_prompt}{typed}")
            else:
                self.out.write(f"{text}\n")
            self.out.flush()

    def error(self, message: str) -> None:
        """Print a console error."""
        self.write(paint(f"error: {message}", Style.ERROR, color=self.color))

    def _show(self, event: LiveEvent) -> None:
        message = event.message
        bot_id = self.sandbox.emulator.application_id
        if message is not None and message.author_id == bot_id and event.kind != "message_delete":
            for file in message.files:
                try:
                    self.downloads.save(file)
                except OSError as error:
                    self.error(f"could not save {file.filename}: {error.strerror or error}")
        text = self.view.event(event)
        if text is not None:
            where = self._where(message)
            if where is not None:
                text = f"{paint(f'→ {where}', Style.DIM, color=self.color)}\n{text}"
            self.write(text)

    def _where(self, message: StoredMessage | None) -> str | None:
        """Where a message landed when that is not the console's channel: another channel
        (`in #gm-only`) or a DM."""
        emulator = self.sandbox.emulator
        if message is None or message.channel_id == emulator.channel_id:
            return None
        if message.guild_id is not None:
            return f"in #{self.sandbox.channel_name(message.channel_id) or message.channel_id}"
        recipient = emulator.world.dm_user(message.channel_id)
        if recipient is None or recipient.id == self.sandbox.user.id:
            return "in your DMs"
        return f"in a DM to {self.sandbox.user_name(recipient.id)}"

    async def _pump_events(self) -> None:
        events = self.sandbox.events
        assert events is not None
        while True:
            self._show(await events.get())

    async def _drain(self) -> None:
        events = self.sandbox.events
        assert events is not None
        while not events.empty():
            self._show(events.get_nowait())

    def _follow(self, outcome: Outcome) -> None:
        modal = outcome.modal
        if modal is None:
            if not outcome.responded:
                self.error("the bot did not answer")
            return
        self.runner.call(self._drain())
        self.write(paint(f"▣ {modal.get('title', 'Form')}", Style.BOLD, color=self.color))
        values: dict[str, str] = {}
        for field in modal_fields(modal):
            hints = [] if field.required else ["optional"]
            if field.value:
                hints.append(f"default {field.value}")
            hint = f" ({', '.join(hints)})" if hints else ""
            while True:
                answer = self._read(f"  {field.label}{hint}: ")
                if answer is None:
                    raise ConsoleError("form cancelled")
                answer = answer.strip() or field.value
                if answer or not field.required:
                    break
                self.error(f"{field.label} is required")
            values[field.custom_id] = answer
        self._follow(self.runner.call(self.sandbox.submit_modal(outcome, values)))

    def _click(self, action: Click) -> None:
        ref = self.view.component(action.number)
        if ref.is_select:
            raise ConsoleError(f"{action.number} is a menu: select {action.number} VALUE")
        self._follow(self.runner.call(self.sandbox.click(ref.message_id, ref.custom_id)))

    def _select(self, action: Select) -> None:
        ref = self.view.component(action.number)
        if not ref.is_select:
            raise ConsoleError(f"{action.number} is a button: click {action.number}")
        if not action.values:
            self.write(self._options(ref))
            return
        values = [_option_value(ref, value) for value in action.values]
        self._follow(self.runner.call(self.sandbox.select(ref.message_id, ref.custom_id, values)))

    def _options(self, ref: ComponentRef) -> str:
        if not ref.options:
            return "Choose by name or id: select N VALUE"
        lines = ["Options:"]
        for option in ref.options:
            label, value = option["label"], option["value"]
            description = option.get("description")
            described = f" - {description}" if description else ""
            shown = value if value == label else f"{value} ({label})"
            lines.append(f"  {shown}{described}")
        return "\n".join(lines)

    def _read(self, prompt: str) -> str | None:
        if not self.interactive:
            line = self.source.readline()
            if not line:
                return None
            self.write(f"{prompt}{line.rstrip()}")
            return line.rstrip("\n")
        with self._prompting(prompt):
            try:
                return input(self._readline_prompt(prompt))
            except EOFError:
                self.out.write("\n")
                return None

    @contextlib.contextmanager
    def _prompting(self, prompt: str) -> Generator[None]:
        with self._lock:
            self._at_prompt = prompt
        try:
            yield
        finally:
            with self._lock:
                self._at_prompt = ""

    def _readline_prompt(self, prompt: str) -> str:
        if not self.color:
            return prompt
        return prompt.replace("\x1b", "\001\x1b").replace("m", "m\002")

    def _prompt(self) -> str:
        channel = self.sandbox.channel_name(self.sandbox.emulator.channel_id) or "channel"
        return paint(f"#{channel} ›", Style.BOLD, color=self.color) + " "

    def _banner(self) -> str:
        user = self.sandbox.user.global_name or self.sandbox.user.username
        title = paint("Nazh sandbox", Style.BOLD, color=self.color)
        return (
            f"{title}: the real bot on a loopback Discord, offline.\n"
            f"You are {user}, the bot's owner. Type `help` for what you can do, `quit` to leave."
        )

    def _help(self) -> str:
        directory = self.downloads.chosen
        where = f"in {directory}" if directory else "in a new temporary directory"
        lines = [_HELP, f"Files the bot sends are saved {where}, and kept."]
        lines.append("Commands the bot has synced:")
        for command in sorted(self.sandbox.commands, key=lambda c: str(c["name"])):
            lines.append(f"  /{command['name']} {_usage(command)}".rstrip())
        return "\n".join(lines)

    def _setup_completion(self) -> None:
        readline = self._readline
        if readline is None:
            return
        words = [f"/{command['name']} " for command in self.sandbox.commands]
        words += [f"{self.sandbox.prefix}roll ", *_KEYWORDS]

        def complete(text: str, state: int) -> str | None:
            matches = [word for word in words if word.startswith(text)]
            return matches[state] if state < len(matches) else None

        readline.set_completer(complete)
        readline.set_completer_delims("")
        readline.parse_and_bind("tab: complete")


def _option_value(ref: ComponentRef, typed: str) -> str:
    for option in ref.options:
        if typed.casefold() in (str(option["value"]).casefold(), str(option["label"]).casefold()):
            return str(option["value"])
    return typed


def _usage(command: JsonObject) -> str:
    view = APPLICATION_COMMAND.view(command)
    options = (view.get("options") if view else None) or []
    subcommands = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
    subs = [o["name"] for o in options if o["type"] in subcommands]
    if subs:
        return "|".join(subs)
    return " ".join(o["name"] if o.get("required") else f"[{o['name']}]" for o in options)


class _Readline(Protocol):
    """The part of the readline module the console uses."""

    def get_line_buffer(self) -> str: ...
    def set_completer(self, function: Callable[[str, int], str | None] | None = ..., /) -> None: ...
    def set_completer_delims(self, string: str, /) -> None: ...
    def parse_and_bind(self, string: str, /) -> None: ...


def _readline() -> _Readline | None:
    try:
        import readline
    except ImportError:
        return None
    return readline


def run_sandbox(
    *,
    data_dir: Path | None,
    color: bool,
    source: TextIO | None = None,
    out: TextIO | None = None,
    downloads: Path | None = None,
) -> int:
    """Run the sandbox until the person leaves; the process exit code.

    ``downloads``: where files the bot sends are saved (default: a new temporary directory).
    """
    reader: TextIO = source if source is not None else sys.stdin
    writer: TextIO = out if out is not None else sys.stdout
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nazh-")))
        data_dir.mkdir(parents=True, exist_ok=True)
        _log_to(data_dir / "sandbox.log")
        writer.write(paint("Starting the loopback Discord and the bot…", Style.DIM, color=color))
        writer.write("\n")
        writer.flush()
        runner = LoopThread()
        runner.start()
        stack.callback(runner.stop)
        sandbox = Sandbox(data_dir)
        stack.callback(lambda: runner.call(sandbox.stop()))
        try:
            runner.call(sandbox.start())
        except KeyboardInterrupt:
            return 130
        except Exception as error:
            logging.getLogger("nazh.sandbox").exception("the sandbox could not start")
            print(f"nazh sandbox: error: could not start: {error}", file=sys.stderr)
            return 1
        interactive = reader.isatty() and writer.isatty()
        Console(
            sandbox,
            runner,
            color=color,
            source=reader,
            out=writer,
            interactive=interactive,
            downloads=downloads,
        ).run()
    return 0


def _log_to(path: Path) -> None:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
