"""The render's progress bar columns: the time left while a bar runs, and once it is done
the time it took (``in 1.9 s``), instead of rich's remaining time stuck at ``0:00:00``."""

from __future__ import annotations

from rich.progress import ProgressColumn, Task, TimeRemainingColumn
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
