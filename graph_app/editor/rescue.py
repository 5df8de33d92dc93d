"""Undo brings a killed organism back.

Before each parameter edit (a drag is one edit) the preview worker keeps a snapshot of
the runtime's state, keyed by the undo index the edit is pushed at.  When undo moves
back to an index and the organism is dead (an engine's world died out or flooded), the
worker puts that snapshot back, or restarts the organism where there is none (e.g. the
undone step was not a parameter edit).  Snapshots live and are used in the worker's
thread only (posted as calls), so the UI thread never touches the runtime.
"""

from __future__ import annotations

from PySide6 import QtCore

from nodes.rescue import dead_engines, restore, snapshot

KEEP = 8  # snapshots kept (the newest edits)


class OrganismRescue(QtCore.QObject):
    def __init__(self, doc, worker, parent=None):
        super().__init__(parent)
        self.doc, self.worker = doc, worker
        self._token = None
        self._index = doc.undo.index()
        self.snaps: dict[int, object] = {}  # worker thread only
        #: what the last undo did, for the status bar and tests: "restored", "restarted"
        self.last = ""
        self.count = 0
        doc.before_param_edit.connect(self._before_edit)
        doc.undo.indexChanged.connect(self._index_changed)
        doc.reset.connect(lambda: worker.post("call", lambda w: self.snaps.clear()))

    def _before_edit(self, index: int, merge) -> None:
        if merge is not None and merge == self._token:
            return  # the same drag: its snapshot is the one from before it began
        self._token = merge
        self.worker.post("call", lambda w, i=index: self._keep(w, i))

    def _index_changed(self, index: int) -> None:
        back = index < self._index
        self._index = index
        if back:
            self._token = None
            self.worker.post("call", lambda w, i=index: self._bring_back(w, i))

    # -- worker thread -------------------------------------------------------------
    def _keep(self, w, index: int) -> None:
        rt = w._rt
        for k in [k for k in self.snaps if k >= index]:
            del self.snaps[k]  # a redo branch that this edit replaces
        if rt is None:
            return
        self.snaps[index] = snapshot(rt)
        for k in sorted(self.snaps)[:-KEEP]:
            del self.snaps[k]

    def _bring_back(self, w, index: int) -> None:
        rt = w._rt
        if rt is None or not dead_engines(rt):
            return
        snap = self.snaps.get(index)
        if snap is not None:
            restore(rt, snap)
            self.last = "restored"
        else:
            rt.reset()
            self.last = "restarted"
        self.count += 1
        w._hist.clear()
        w._steps += 0 if w._playing else 1
