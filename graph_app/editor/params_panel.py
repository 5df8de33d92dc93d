"""The selected node's parameters: live sliders, exact entry, reset, LFO, publish."""

from __future__ import annotations

import json
import math
import re

from PySide6 import QtCore, QtGui, QtWidgets

from nodes.drive import driver_label, unit_bounds
from nodes.graph import Published
from nodes.spec import Param, ParamType

from . import param_needs, theme
from .clamped_label import ClampedLabel
from .document import Document, new_merge_token
from .live_text import LiveText
from .param_label import ParamLabel

SLIDER_STEPS = 1000


class ResetSlider(QtWidgets.QSlider):
    reset_requested = QtCore.Signal()

    def mouseDoubleClickEvent(self, ev):  # noqa: N802 - Qt API
        self.reset_requested.emit()
        ev.accept()


class NumericRow(QtWidgets.QWidget):
    """Slider + numeric entry for one FLOAT/INT param.  A drag is one undo step."""

    def __init__(self, panel: "ParamsPanel", nid: str, p: Param):
        super().__init__()
        self.panel, self.nid, self.p = panel, nid, p
        self.is_int = p.type is ParamType.INT
        self._token: int | None = None
        # the slider's span: the param's, or narrower (an LFO's centre and depth in the
        # units of the param it drives: nodes/drive.py)
        self.lo, self.hi = unit_bounds(panel.doc.graph, nid, p.name) or (p.min, p.max)
        self._driver = ""  # 'LFO lfo1' while a link drives this param
        lay = QtWidgets.QGridLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        lay.setHorizontalSpacing(6)
        lay.setVerticalSpacing(0)
        self.label = ParamLabel(p.title, self._tooltip())
        self.label.setContextMenuPolicy(QtCore.Qt.CustomContextMenu)
        self.label.customContextMenuRequested.connect(self._menu)
        self.slider = ResetSlider(QtCore.Qt.Horizontal)
        span = int(self.hi - self.lo) if self.is_int else SLIDER_STEPS
        self.slider.setRange(0, max(1, span))
        self.slider.setTracking(True)
        self.slider.setToolTip("Drag to change live · double-click resets to "
                               f"{p.default:g} · right-click for more")
        self.slider.setContextMenuPolicy(QtCore.Qt.CustomContextMenu)
        self.slider.customContextMenuRequested.connect(self._menu)
        self.spin = QtWidgets.QDoubleSpinBox()
        self.spin.setRange(self.lo, self.hi)
        self.spin.setDecimals(0 if self.is_int else _decimals(p, self.lo, self.hi))
        if not self.is_int:
            self.spin.setSingleStep(_step(p, self.lo, self.hi))
        self.spin.setKeyboardTracking(False)
        self.spin.setFixedWidth(70)
        self.spin.setAlignment(QtCore.Qt.AlignRight)
        self.mod_btn = QtWidgets.QToolButton()
        self.mod_btn.setText("∿")
        self.mod_btn.setFixedWidth(24)
        self.mod_btn.setCheckable(True)
        self.mod_btn.setEnabled(p.modulatable)
        self.mod_btn.setToolTip("Drive with an LFO (adds and links an LFO node)"
                                if p.modulatable else "Structural: cannot be modulated")
        self.mod_btn.clicked.connect(self._mod_clicked)
        self.live = LiveText("")  # its text follows the driver every preview frame
        self.live.setObjectName("mod")
        self.live.setAlignment(QtCore.Qt.AlignRight)
        self.compact = None
        self.set_compact(panel.short())
        # a drag sends at most one edit per 20 ms (the newest value), so a fast mouse
        # never floods the model, the undo stack or the preview worker
        self._pending = None
        self._flush_timer = QtCore.QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(20)
        self._flush_timer.timeout.connect(self._flush)
        self.slider.sliderPressed.connect(self._begin_drag)
        self.slider.sliderReleased.connect(self._end_drag)
        self.slider.valueChanged.connect(self._slider_changed)
        self.slider.reset_requested.connect(self.reset)
        self.label.reset_requested.connect(self.reset)
        self.spin.valueChanged.connect(self._spin_changed)
        self.refresh()

    def set_compact(self, on: bool) -> None:
        """One line (label, slider, entry, LFO button) in a short panel, where a driven
        param's live text takes the greyed slider's place; else the label's line over the
        slider's."""
        on = bool(on)
        if on == self.compact:
            return
        self.compact = on
        lay = self.layout()
        for w in (self.label, self.live, self.slider, self.spin, self.mod_btn):
            lay.removeWidget(w)
        if on:
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(self.label, 0, 0)
            lay.addWidget(self.slider, 0, 1)
            lay.addWidget(self.live, 0, 1)
            lay.addWidget(self.spin, 0, 2)
            lay.addWidget(self.mod_btn, 0, 3)
            # the label and slider columns share the width alike in every row (aligned)
            self.label.setSizePolicy(QtWidgets.QSizePolicy.Ignored,
                                     QtWidgets.QSizePolicy.Preferred)
            lay.setColumnStretch(0, 4)
            lay.setColumnStretch(1, 5)
        else:
            lay.setContentsMargins(0, 2, 0, 2)
            lay.addWidget(self.label, 0, 0)
            lay.addWidget(self.live, 0, 1, 1, 2)
            lay.addWidget(self.slider, 1, 0, 1, 2)
            lay.addWidget(self.spin, 1, 2)
            lay.addWidget(self.mod_btn, 1, 3)
            self.label.setSizePolicy(QtWidgets.QSizePolicy.Preferred,
                                     QtWidgets.QSizePolicy.Preferred)
            lay.setColumnStretch(0, 1)
            lay.setColumnStretch(1, 0)
        self._show_slider_or_live()

    def _show_slider_or_live(self) -> None:
        driven = bool(self._driver)
        self.slider.setVisible(not (self.compact and driven))
        self.live.setVisible(not self.compact or driven)

    def _tooltip(self) -> str:
        p = self.p
        t = f"{p.name}: {p.min:g} … {p.max:g} (default {p.default:g})"
        if p.doc:
            t += f"\n{p.doc}"
        if p.structural:
            t += "\nStructural: changing it rebuilds this node's static work."
        return t + "\nDouble-click to reset."

    # value mapping
    def _to_slider(self, v: float) -> int:
        lo, hi = self.lo, self.hi
        v = min(max(v, lo), hi)
        if self.is_int:
            return int(round(v - lo))
        span = hi - lo
        return int(round((v - lo) / span * SLIDER_STEPS)) if span else 0

    def _from_slider(self, s: int):
        p, lo, hi = self.p, self.lo, self.hi
        if self.is_int:
            return int(lo + s)
        v = lo + (hi - lo) * s / SLIDER_STEPS
        step = p.step
        if step:
            v = round(round((v - p.min) / step) * step + p.min, 10)
        return float(min(max(round(v, 6), lo), hi))

    def refresh(self):
        v = self.panel.show(self.label, self.nid, self.p)
        for w in (self.slider, self.spin):
            w.blockSignals(True)
        self.slider.setValue(self._to_slider(v))
        self.spin.setValue(float(v))
        for w in (self.slider, self.spin):
            w.blockSignals(False)
        src = self.panel.doc.modulation_source(self.nid, self.p.name)
        self.mod_btn.setChecked(src is not None)
        self.mod_btn.setToolTip(f"Driven by {src.src}.{src.src_port} (click to remove)"
                                if src else self.mod_btn.toolTip() if not self.p.modulatable
                                else "Drive with an LFO (adds and links an LFO node)")
        self.label.set_published(self.panel.published_for(self.nid, self.p.name))
        # a driven param is not editable here: greyed, naming its driver, showing the
        # live value (edit the driver: e.g. the LFO's centre)
        graph = self.panel.doc.graph
        self._driver = driver_label(graph, src) if src is not None else ""
        self.live.fit(f"driven by {self._driver} · ∿ -0.0001234" if src is not None else "")
        for w in (self.slider, self.spin):
            w.setEnabled(src is None)
        tip = (f"Driven by {self._driver}: edit {src.src} (its centre) to move it"
               if src is not None else "")
        self.live.setToolTip(tip)
        self.live.setText(f"driven by {self._driver}" if src is not None else "")
        if self.compact is not None:
            self._show_slider_or_live()

    def set_live(self, value: float | None):
        head = f"driven by {self._driver}" if self._driver else ""
        if value is None:
            self.live.setText(head)
            return
        p = self.p
        v = min(max(value, p.min), p.max)  # what the runtime uses (it clamps the same)
        shown = f"∿ {int(round(v))}" if self.is_int else f"∿ {v:.4g}"
        if head:  # where the line is short, the driver's name (the entry shows the value)
            self.live.set_forms(f"{head} · {shown}", head)
        else:
            self.live.setText(shown)
        if self._driver:  # the greyed widgets follow the live value
            _quiet(self.slider, self.slider.setValue, self._to_slider(v))
            _quiet(self.spin, self.spin.setValue, float(v))

    # edits
    def _begin_drag(self):
        self._token = new_merge_token()

    def _end_drag(self):
        self._flush()
        self._token = None

    def _slider_changed(self, s: int):
        if self._token is None:  # keyboard / wheel: apply at once
            self.panel.edit(self.nid, self.p.name, self._from_slider(s), None)
            return
        self._pending = self._from_slider(s)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self):
        self._flush_timer.stop()
        if self._pending is not None:
            v, self._pending = self._pending, None
            self.panel.edit(self.nid, self.p.name, v, self._token)

    def _spin_changed(self, v: float):
        self.panel.edit(self.nid, self.p.name, int(round(v)) if self.is_int else float(v), None)

    def reset(self):
        self.panel.edit(self.nid, self.p.name, self.p.default, None)

    def _mod_clicked(self):
        src = self.panel.doc.modulation_source(self.nid, self.p.name)
        if src is None:
            self.panel.modulate(self.nid, self.p.name)
        else:
            self.panel.doc.disconnect([src])
        self.refresh()

    def _menu(self, pos):
        self.panel.param_menu(self.nid, self.p, self.sender().mapToGlobal(pos))


def _decimals(p: Param, lo: float | None = None, hi: float | None = None) -> int:
    """Digits after the point for a value of ``p`` on the span ``lo``..``hi`` (the row's:
    an LFO's centre and depth span the param they drive, not their own -1000..1000)."""
    lo = p.min if lo is None else lo
    hi = p.max if hi is None else hi
    span = (hi - lo) or 1.0
    if p.step:
        s = f"{p.step:g}"
        return len(s.split(".")[1]) if "." in s else 0
    return max(2, min(5, 3 - int(f"{span:e}".split("e")[1])))


def _step(p: Param, lo: float, hi: float) -> float:
    """The entry's arrow-key step: the param's own, else about a hundredth of the span
    (a power of ten), so one press never jumps across a narrow range."""
    if p.step:
        return float(p.step)
    span = (hi - lo) or 1.0
    return 10.0 ** round(math.log10(span / 100.0))


class ParamsPanel(QtWidgets.QWidget):
    message = QtCore.Signal(str)
    select_node = QtCore.Signal(str)

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.nid: str | None = None
        self.rows: dict[str, QtWidgets.QWidget] = {}
        #: hook(menu, nid, param) adds entries to a parameter's context menu (live.py)
        self.menu_hooks: list = []
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QtWidgets.QScrollArea()
        self.scroll.setWidgetResizable(True)
        outer.addWidget(self.scroll)
        doc.model_event.connect(self._on_model_event)
        doc.reset.connect(lambda: self.show_node(None))
        doc.ui_changed.connect(self._on_ui_changed)
        self.show_node(None)

    # building
    def show_node(self, nid: str | None) -> None:
        if nid is not None and nid not in self.doc.graph.nodes:
            nid = None
        self.nid = nid
        self.rows = {}
        self.description = None
        body = QtWidgets.QWidget()
        lay = QtWidgets.QVBoxLayout(body)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(4)
        if nid is None:
            hint = QtWidgets.QLabel("Select a node to tune it.\n\nTab: add a node\n"
                                    "Click an output port: preview it\nF: frame selection")
            hint.setObjectName("dim")
            hint.setAlignment(QtCore.Qt.AlignCenter)
            lay.addStretch(1)
            lay.addWidget(hint)
            lay.addStretch(2)
            self.scroll.setWidget(body)
            return
        nd = self.doc.graph.nodes[nid]
        spec = nd.spec
        title = QtWidgets.QLabel(nd.title or (spec.title if spec else nd.type))
        title.setObjectName("sectionTitle")
        sub = QtWidgets.QLabel(f"{nid}  ·  {nd.type}")
        sub.setObjectName("dim")
        sub.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        sub.setToolTip(sub.text())
        # on the title's line (a line more for the rows in a short panel); a narrow panel
        # cuts the id and type, not the title
        sub.setSizePolicy(QtWidgets.QSizePolicy.Ignored, QtWidgets.QSizePolicy.Preferred)
        head = QtWidgets.QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(title)
        head.addWidget(sub, 1, QtCore.Qt.AlignVCenter)
        lay.addLayout(head)
        if spec is None:
            warn = QtWidgets.QLabel(
                f"⚠ {nd.placeholder_reason[0].upper()}{nd.placeholder_reason[1:]}. This "
                "cagraph can't run it, but its parameters and links are kept and saved back "
                "unchanged.")
            warn.setWordWrap(True)
            warn.setStyleSheet(f"color: {theme.WARN};")
            lay.addWidget(warn)
            txt = QtWidgets.QPlainTextEdit(json.dumps(nd.params, indent=2))
            txt.setReadOnly(True)
            lay.addWidget(txt)
            lay.addStretch(1)
            self.scroll.setWidget(body)
            return
        if spec.doc:
            # two lines in a short panel (the whole text in its tooltip and in Help)
            self.description = ClampedLabel(spec.doc, self._doc_lines())
            self.description.setObjectName("dim")
            lay.addWidget(self.description)
        line = QtWidgets.QFrame()
        line.setFrameShape(QtWidgets.QFrame.HLine)
        line.setStyleSheet(f"color: {theme.BORDER};")
        lay.addWidget(line)
        for p in spec.params:
            row = self._make_row(nid, p)
            self.rows[p.name] = row
            lay.addWidget(row)
        lay.addStretch(1)
        self.scroll.setWidget(body)
        param_needs.apply(self)

    #: a panel shorter than this holds the node's description to two lines
    SHORT_PANEL = 340

    def short(self) -> bool:
        """A short panel (a 1280x720 window's): the description held to two lines and the
        numeric rows on one line each."""
        return self.height() < self.SHORT_PANEL

    def _doc_lines(self) -> int:
        return 2 if self.short() else 0

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(ev)
        if getattr(self, "description", None) is not None:
            self.description.set_max_lines(self._doc_lines())
        for row in self.rows.values():
            if isinstance(row, NumericRow):
                row.set_compact(self.short())

    def _make_row(self, nid: str, p: Param) -> QtWidgets.QWidget:
        if p.numeric:
            return NumericRow(self, nid, p)
        w = QtWidgets.QWidget()
        lay = QtWidgets.QHBoxLayout(w)
        lay.setContentsMargins(0, 2, 0, 2)
        label = ParamLabel(p.title, (p.doc + "\n" if p.doc else "") + "Double-click to reset.")
        w.label, w.p = label, p
        label.reset_requested.connect(lambda: self.edit(nid, p.name, p.default, None))
        label.setContextMenuPolicy(QtCore.Qt.CustomContextMenu)
        label.customContextMenuRequested.connect(
            lambda pos: self.param_menu(nid, p, label.mapToGlobal(pos)))
        lay.addWidget(label, 1)
        def shown():
            return self.show(label, nid, p)

        v = shown()

        if p.type is ParamType.BOOL:
            ed = QtWidgets.QCheckBox()
            ed.setChecked(bool(v))
            ed.toggled.connect(lambda on: self.edit(nid, p.name, bool(on), None))
            w.refresh = lambda: _quiet(ed, ed.setChecked, bool(shown()))
        elif p.type is ParamType.ENUM:
            ed = QtWidgets.QComboBox()
            ed.addItems(list(p.choices))
            ed.setCurrentText(str(v))
            ed.currentTextChanged.connect(lambda t: self.edit(nid, p.name, t, None))
            w.refresh = lambda: _quiet(ed, ed.setCurrentText, str(shown()))
        elif p.type is ParamType.VEC3:
            ed = QtWidgets.QWidget()
            el = QtWidgets.QHBoxLayout(ed)
            el.setContentsMargins(0, 0, 0, 0)
            el.setSpacing(2)
            spins = []
            for k in range(3):
                s = QtWidgets.QDoubleSpinBox()
                s.setRange(p.min if p.min is not None else -1e6, p.max if p.max is not None else 1e6)
                s.setDecimals(3)
                s.setKeyboardTracking(False)
                s.setFixedWidth(54)
                s.setValue(float(v[k]))
                spins.append(s)
                el.addWidget(s)

            def vec_changed(_=None, spins=spins):
                self.edit(nid, p.name, [s.value() for s in spins], None)

            for s in spins:
                s.valueChanged.connect(vec_changed)

            def vec_refresh(spins=spins):
                cur = shown()
                for s, x in zip(spins, cur):
                    _quiet(s, s.setValue, float(x))

            w.refresh = vec_refresh
        else:  # LIST: JSON text, validated by the spec
            ed = QtWidgets.QLineEdit(json.dumps(_listify(v)))
            ed.setToolTip("A JSON list, e.g. [0.5, 0.85]")

            def list_done(ed=ed):
                try:
                    val = json.loads(ed.text())
                except json.JSONDecodeError:
                    self.message.emit(f"{p.name}: not a JSON list")
                    return
                self.edit(nid, p.name, val, None)

            ed.editingFinished.connect(list_done)
            w.refresh = lambda ed=ed: _quiet(ed, ed.setText, json.dumps(_listify(shown())))
        lay.addWidget(ed, 2)
        # the label says whether the param is published (⇪ name), as a numeric row's does
        refresh_editor = w.refresh

        def refresh():
            label.set_published(self.published_for(nid, p.name))
            refresh_editor()

        w.refresh = refresh
        label.set_published(self.published_for(nid, p.name))
        return w

    def shown_value(self, nid: str, p: Param):
        """(value for the widgets, problem): a saved value this build rejects (a hand
        edit, another version) shows the default until the user edits it; the file keeps
        the saved value until then."""
        v = self.doc.graph.param_value(nid, p.name)
        try:
            return p.coerce(v), None
        except (ValueError, TypeError) as exc:
            return p.default, f"the saved value {v!r} is not valid ({exc})"

    def show(self, label: ParamLabel, nid: str, p: Param):
        """The value a row shows (:meth:`shown_value`), its label marked when the saved
        value is not valid."""
        value, err = self.shown_value(nid, p)
        self.mark_invalid(label, err)
        return value

    def mark_invalid(self, label: ParamLabel, err: str | None) -> None:
        label.setStyleSheet(f"color: {theme.ERROR};" if err else "")
        label.set_error(err)

    # edits
    def edit(self, nid: str, name: str, value, merge) -> None:
        err = self.doc.set_param(nid, name, value, merge)
        if err:
            self.message.emit(f"{nid}.{name}: {err}")
            row = self.rows.get(name)
            if row is not None:
                row.refresh()

    def modulate(self, nid: str, name: str) -> None:
        lid = self.doc.modulate_with_lfo(nid, name)
        if lid:
            self.message.emit(f"{nid}.{name} is now driven by {lid} (∿ again to remove)")

    def published_for(self, nid: str, name: str) -> Published | None:
        return next((p for p in self.doc.graph.published if p.node == nid and p.param == name),
                    None)

    def param_menu(self, nid: str, p: Param, global_pos) -> None:
        m = QtWidgets.QMenu(self)
        m.addAction("Reset to default", lambda: self.edit(nid, p.name, p.default, None))
        pub = self.published_for(nid, p.name)
        if p.type not in (ParamType.VEC3, ParamType.LIST):
            m.addAction("Edit published…" if pub else "Publish for Scope…",
                        lambda: self.publish_dialog(nid, p))
            if pub:
                m.addAction(f"Unpublish '{pub.name}'", lambda: self.unpublish(pub.name))
        if p.modulatable:
            src = self.doc.modulation_source(nid, p.name)
            if src is None:
                m.addAction("Drive with an LFO", lambda: self.modulate(nid, p.name))
            else:
                m.addAction(f"Go to {src.src}", lambda: self.select_node.emit(src.src))
                m.addAction("Remove modulation", lambda: self.doc.disconnect([src]))
        for hook in self.menu_hooks:
            hook(m, nid, p)
        m.exec(global_pos)

    def unpublish(self, name: str) -> None:
        self.doc.set_published([p for p in self.doc.graph.published if p.name != name],
                               f"unpublish {name}")

    def publish(self, nid: str, param: str, name: str | None = None, label: str = "",
                lo: float | None = None, hi: float | None = None,
                order: int | None = None) -> str | None:
        """Publish (or update) a param; returns an error message or None."""
        spec = self.doc.graph.nodes[nid].spec
        p = spec.param(param)
        name = name or re.sub(r"[^a-z0-9_]", "_", f"{nid}_{param}".lower())
        pubs = [x for x in self.doc.graph.published if (x.node, x.param) != (nid, param)]
        if p.numeric:
            lo = p.min if lo is None else lo
            hi = p.max if hi is None else hi
            if not (p.min <= lo <= hi <= p.max):
                return f"range must lie within [{p.min:g}, {p.max:g}]"
        else:
            lo = hi = None
        new = Published(name, nid, param, label or p.title, lo, hi, 0)
        order = len(pubs) if order is None else max(0, min(order, len(pubs)))
        pubs.insert(order, new)
        err = self.doc.set_published(pubs, f"publish {name}")
        if err:
            self.message.emit(err)
        return err

    def publish_dialog(self, nid: str, p: Param) -> None:
        pub = self.published_for(nid, p.name)
        d = QtWidgets.QDialog(self)
        d.setWindowTitle("Publish for Scope")
        form = QtWidgets.QFormLayout(d)
        name = QtWidgets.QLineEdit(pub.name if pub else re.sub(
            r"[^a-z0-9_]", "_", f"{nid}_{p.name}".lower()))
        name.setValidator(QtGui.QRegularExpressionValidator(
            QtCore.QRegularExpression(r"[a-z_][a-z0-9_]{0,63}")))
        label = QtWidgets.QLineEdit(pub.label if pub else p.title)
        form.addRow("Name (Scope field)", name)
        form.addRow("Label", label)
        lo = hi = None
        if p.numeric:
            lo, hi = QtWidgets.QDoubleSpinBox(), QtWidgets.QDoubleSpinBox()
            for s, v in ((lo, pub.min if pub and pub.min is not None else p.min),
                         (hi, pub.max if pub and pub.max is not None else p.max)):
                s.setRange(p.min, p.max)
                s.setDecimals(_decimals(p))
                s.setValue(v)
            form.addRow("Min", lo)
            form.addRow("Max", hi)
        order = QtWidgets.QSpinBox()
        n = len(self.doc.graph.published)
        order.setRange(0, n)
        cur = next((i for i, x in enumerate(self.doc.graph.published) if x is pub), n)
        order.setValue(cur)
        form.addRow("Order", order)
        bb = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.Ok |
                                        QtWidgets.QDialogButtonBox.Cancel)
        bb.accepted.connect(d.accept)
        bb.rejected.connect(d.reject)
        form.addRow(bb)
        if d.exec() == QtWidgets.QDialog.Accepted:
            self.publish(nid, p.name, name.text(), label.text(),
                         lo.value() if lo else None, hi.value() if hi else None, order.value())

    # model -> panel
    def _on_model_event(self, event: str, payload: dict) -> None:
        if self.nid is None:
            return
        if event == "param_changed" and payload["node_id"] == self.nid:
            row = self.rows.get(payload["name"])
            if row is not None:
                row.refresh()
            param_needs.apply(self)
        elif event == "node_removed" and payload["node_id"] == self.nid:
            self.show_node(None)
        elif event in ("linked", "unlinked") and payload["link"].dst == self.nid:
            row = self.rows.get(payload["link"].dst_port)
            if row is not None:
                row.refresh()
        elif event in ("linked", "unlinked") and payload["link"].src == self.nid:
            # what this node drives changed: an LFO's centre and depth change units
            if any(isinstance(r, NumericRow) and (r.lo, r.hi) != (
                    unit_bounds(self.doc.graph, self.nid, n) or (r.p.min, r.p.max))
                   for n, r in self.rows.items()):
                self.show_node(self.nid)
        elif event == "published_changed":  # every row's ⇪ mark
            for row in self.rows.values():
                row.refresh()

    def _on_ui_changed(self, what: str, ids) -> None:
        if what == "title" and self.nid in (ids or []):
            self.show_node(self.nid)

    def update_live(self, scalars: dict) -> None:
        """Show the modulated value of each driven param (called once per preview frame)."""
        if self.nid is None:
            return
        for name, row in self.rows.items():
            if isinstance(row, NumericRow):
                src = self.doc.modulation_source(self.nid, name)
                row.set_live(None if src is None else scalars.get((src.src, src.src_port)))


def _quiet(w, fn, *a):
    w.blockSignals(True)
    try:
        fn(*a)
    finally:
        w.blockSignals(False)


def _listify(v):
    return [list(x) if isinstance(x, (list, tuple)) else x for x in v]
