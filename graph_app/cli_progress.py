"""The render's progress: rich bars on a terminal, whose last column shows the time left
while a bar runs and, once it is done, the time it took (``in 1.9 s``) instead of rich's
remaining time stuck at ``0:00:00``; piped (a log, CI, ``| tee``), a line per tenth of each
bar as it goes, where rich would print its bars only once the render ends."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (BarColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeRemainingColumn)
from rich.text import Text


def took(seconds: float) -> str:
    """``in 1.9 s`` under a minute, ``in 0:02:13`` from there."""
    if seconds < 60:
        return f"in {seconds:.1f} s"
    s = int(round(seconds))
    return f"in {s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class TimeColumn(ProgressColumn):
    """Time remaining while the task runs; its elapsed time once it is finished."""

    def __init__(self):
        super().__init__()
        self._remaining = TimeRemainingColumn()

    def render(self, task: Task) -> Text:
        if task.finished and task.finished_time is not None:
            return Text(took(task.finished_time), style="progress.elapsed")
        return self._remaining.render(task)


def bars(con: Console):
    """The render's progress display on ``con``: rich bars on a terminal, else lines."""
    if con.is_terminal:
        return Progress(TextColumn("[bold]{task.fields[verb]}[/] {task.description}"),
                        BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeColumn(),
                        console=con, transient=False)
    return LineProgress(con)


class _Line:
    def __init__(self, description: str, total: int, verb: str):
        self.description, self.total, self.verb = description, max(int(total), 1), verb
        self.done = 0
        self.t0 = time.perf_counter()
        self.tenth = 0  # the last tenth passed
        self.said = self.t0  # when its last line was printed


class LineProgress:
    """The subset of rich's ``Progress`` the render uses (``add_task``, ``advance``,
    ``update``), printing whole lines: one when a bar starts, one as it passes a tenth
    with the time left (at most one a second, so a quick bar is just its two ends), and
    one when it ends with the time it took."""

    def __init__(self, con: Console):
        self.con = con
        self._tasks: list[_Line] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _say(self, t: _Line, tail: str) -> None:
        self.con.print(f"[bold]{t.verb}[/] {t.description} {t.done}/{t.total} {tail}".rstrip())
        t.said = time.perf_counter()

    def add_task(self, description: str, *, total: int, verb: str = "") -> int:
        t = _Line(description, total, verb)
        self._tasks.append(t)
        self._say(t, "")
        return len(self._tasks) - 1

    def update(self, task: int, *, advance: int = 0, description: str | None = None) -> None:
        t = self._tasks[task]
        if description is not None:
            t.description = description
        if not advance:
            return
        t.done = min(t.total, t.done + advance)
        spent = time.perf_counter() - t.t0
        if t.done >= t.total:
            self._say(t, took(spent))
            return
        tenth = 10 * t.done // t.total
        if tenth > t.tenth and time.perf_counter() - t.said >= 1.0:
            t.tenth = tenth
            left = int(round(spent * (t.total - t.done) / t.done))
            self._say(t, f"({100 * t.done // t.total} %, {left // 60}:{left % 60:02d} left)")

    def advance(self, task: int, advance: int = 1) -> None:
        self.update(task, advance=advance)
