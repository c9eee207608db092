"""Work kept off the event loop: the store's on its own thread(s), drawing in a process.

The event loop only moves bytes. A message's turn (`coach.handle`: its transaction and
its rules) and every other store call run on the store's executor: one thread for
SQLite, whose one connection must never be used by two threads at once, or as many
threads as a PostgreSQL store has connections. Charts and PDFs, which take hundreds of
milliseconds of Python, are drawn after the transaction in a render process of their
own (spawned once, matplotlib imported there at start): a render thread would hold the
interpreter's lock, and 50 charts at once tripled the other users' p99 reply latency
(docs/benchmarks.md). `Offload(store, drawing="thread")` draws on a thread instead.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
import weakref
from datetime import timedelta
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from flows.messages import Deferred, Reply, made
from storage.port import Store

T = TypeVar("T")

_OFFLOADS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_DRAWING: ProcessPoolExecutor | None = None  # one render process for the whole process


def _start_drawing(bot: int) -> None:
    """Start the render process of the bot process `bot`: below the bot in the
    scheduler's eyes (a burst of charts takes the idle core, not the bot's), what
    drawing needs imported and warm, and gone with the bot."""
    os.nice(10)
    threading.Thread(target=_exit_with, args=(bot,), daemon=True,
                     name="orphan-watch").start()
    from flows.chart import ChartTexts, ChartWeek, chart_png  # matplotlib
    # one chart drawn now, so the first user's is not slowed by the fonts' loading and
    # the caches' filling (365 ms for the first chart, 60 to 190 ms for the next ones)
    chart_png([ChartWeek("1–7", 2.5, 1), ChartWeek("8–14", 3, 2)],
              ChartTexts("Heures", "Clients", "Prévu : 3 h", "Objectif : 2", "Ça paie"),
              3, 2)


def _exit_with(parent: int) -> None:
    """End the render process once the bot that started it is gone (at once if it was
    gone before the render process started: its pid is given, not read here): a bot
    killed with SIGKILL cannot stop it, and each restart would leave one more (100 MB
    each; it waits on its own copy of the queue, so nothing else ends it)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def drawing_process() -> ProcessPoolExecutor:
    """Return the render process, spawned (never forked from a threaded process) on
    first use."""
    global _DRAWING
    if _DRAWING is None:
        _DRAWING = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start_drawing,
                                       initargs=(os.getpid(),))
        _DRAWING.submit(int)  # spawn it now, not at the first chart
    return _DRAWING


class Offload:
    """The executors of one store: its own thread(s), and where charts are drawn."""

    def __init__(self, store: Store, drawing: str = "process") -> None:
        threads = max(1, int(getattr(store, "threads", 1)))
        self.store = ThreadPoolExecutor(threads, thread_name_prefix="store")
        self.drawing = drawing
        self._thread: ThreadPoolExecutor | None = None

    def _render(self) -> Executor:
        if self.drawing == "process":
            return drawing_process()
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="render")
        return self._thread

    async def run(self, function: Callable[..., T], *args) -> T:
        """Run `function(*args)` on the store's executor and return its result."""
        return await asyncio.get_running_loop().run_in_executor(self.store, function, *args)

    async def draw(self, drawing: Deferred) -> bytes:
        """Return the bytes of a drawing, made in the render process."""
        return (await self.made(Reply("", image=drawing))).image

    async def made(self, reply: Reply) -> Reply:
        """Return the reply with its chart and document drawn, in the render process (a
        reply with nothing to draw comes back as it is, at once); a render process that
        died is replaced once."""
        global _DRAWING
        if not reply.deferred:
            return reply
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._render(), made, reply)
        except BrokenProcessPool:
            _DRAWING = None
            return await loop.run_in_executor(self._render(), made, reply)


def charts_likely(coach, platforms: list[str]) -> bool:
    """Tell whether some user has a plan with check-ins (then verdicts and their charts
    will come): the bot then starts the render process at once rather than at the first
    chart, when its start (matplotlib's import) would slow everybody's replies (make
    bench, a burst of 50 charts: the others' reply p99 5.8 x the quiet one, 2.8 x with
    the process started first)."""
    far = coach.clock() + timedelta(days=3650)
    return bool(coach.store.due_checkins(far, tuple(platforms), 1))


def offload_of(store: Store) -> Offload:
    """Return the one Offload of `store`, shared by its adapters and its scheduler."""
    try:
        return _OFFLOADS[store]
    except KeyError:
        return _OFFLOADS.setdefault(store, Offload(store))
