"""Dark theme, kind colours and category colours shared by every editor widget."""

from __future__ import annotations

from PySide6 import QtGui, QtWidgets

from nodes.spec import Kind

BG = "#16181d"
PANEL = "#1d2027"
PANEL_2 = "#242832"
BORDER = "#313644"
TEXT = "#d8dbe2"
TEXT_DIM = "#8a90a0"
ACCENT = "#4fb3ff"
WARN = "#f0b429"
ERROR = "#ff5c6c"
OK = "#5ad68a"

#: port colour per data kind (RGB tuples for NodeGraphQt, hex for Qt widgets)
KIND_COLORS: dict[Kind, tuple[int, int, int]] = {
    Kind.FIELD: (92, 200, 255),
    Kind.VFIELD: (255, 150, 60),
    Kind.SCALAR: (200, 200, 210),
    Kind.PALETTE: (230, 100, 220),
    Kind.RGB: (255, 210, 80),
    Kind.SEED: (110, 220, 120),
    Kind.PERTURB: (255, 110, 110),
    Kind.COVERAGE: (160, 130, 255),
}

#: node header colour per category (muted, dark so the titles stay readable)
CATEGORY_COLORS: dict[str, tuple[int, int, int]] = {
    "Signals": (58, 62, 74),
    "Seeds": (38, 78, 52),
    "Engines": (30, 70, 104),
    "Flow": (110, 66, 30),
    "Life": (90, 44, 86),
    "Colour": (104, 84, 26),
    "Color": (104, 84, 26),
    "Output": (120, 40, 48),
    "Math": (52, 60, 92),
}
PLACEHOLDER_COLOR = (110, 28, 28)


def kind_hex(kind: Kind) -> str:
    r, g, b = KIND_COLORS.get(kind, (180, 180, 180))
    return f"#{r:02x}{g:02x}{b:02x}"


def category_color(category: str) -> tuple[int, int, int]:
    return CATEGORY_COLORS.get(category, (56, 60, 70))


STYLESHEET = f"""
QWidget {{ background: {PANEL}; color: {TEXT}; font-size: 12px; }}
QMainWindow, QMainWindow::separator {{ background: {BG}; }}
QMainWindow::separator {{ width: 3px; height: 3px; }}
QDockWidget {{ titlebar-close-icon: none; }}
QDockWidget::title {{ background: {PANEL_2}; padding: 5px 8px; border-bottom: 1px solid {BORDER};
    font-weight: 600; color: {TEXT_DIM}; text-transform: uppercase; }}
QMenuBar {{ background: {BG}; border-bottom: 1px solid {BORDER}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {ACCENT}; color: #0b0d10; }}
QMenu {{ background: {PANEL_2}; border: 1px solid {BORDER}; padding: 4px; }}
QMenu::item {{ padding: 4px 22px 4px 14px; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 6px; }}
QToolBar {{ background: {BG}; border: none; border-bottom: 1px solid {BORDER}; spacing: 4px;
    padding: 3px; }}
QToolButton {{ background: transparent; border: 1px solid transparent; border-radius: 4px;
    padding: 3px 8px; color: {TEXT}; }}
QToolButton:hover {{ background: {PANEL_2}; border-color: {BORDER}; }}
QToolButton:checked {{ background: #24415c; border-color: {ACCENT}; }}
QToolButton:disabled, QPushButton:disabled, QMenu::item:disabled {{ color: #4d5360; }}
QPushButton {{ background: {PANEL_2}; border: 1px solid {BORDER}; border-radius: 4px;
    padding: 4px 10px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:checked {{ background: #24415c; border-color: {ACCENT}; }}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox {{ background: {BG}; border: 1px solid {BORDER};
    border-radius: 3px; padding: 1px 4px; min-height: 20px; selection-background-color: {ACCENT}; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 0px; border: none; }}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus {{ border-color: {ACCENT}; }}
QComboBox QAbstractItemView {{ background: {PANEL_2}; border: 1px solid {BORDER}; }}
QTreeWidget, QListWidget, QTableWidget, QTreeView, QListView {{ background: {BG};
    border: none; alternate-background-color: {PANEL}; outline: none; }}
QTreeWidget::item, QListWidget::item {{ padding: 3px 2px; }}
QTreeWidget::item:selected, QListWidget::item:selected, QTableWidget::item:selected {{
    background: #24415c; color: {TEXT}; }}
QHeaderView::section {{ background: {PANEL_2}; color: {TEXT_DIM}; border: none;
    border-right: 1px solid {BORDER}; padding: 3px 6px; }}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {ACCENT}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {TEXT}; width: 12px; margin: -5px 0; border-radius: 6px; }}
QSlider::handle:horizontal:hover {{ background: white; }}
QSlider::sub-page:horizontal:disabled {{ background: #3a5a75; }}
QSlider::handle:horizontal:disabled {{ background: #5a6070; }}
QAbstractSpinBox:disabled {{ color: {TEXT_DIM}; }}
QStatusBar {{ background: {BG}; color: {TEXT_DIM}; border-top: 1px solid {BORDER}; }}
QScrollBar:vertical {{ background: {BG}; width: 10px; }}
QScrollBar::handle:vertical {{ background: {BORDER}; border-radius: 4px; min-height: 20px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QScrollArea {{ border: none; }}
QLabel#sectionTitle {{ color: {TEXT}; font-size: 14px; font-weight: 600; }}
QLabel#dim {{ color: {TEXT_DIM}; }}
QLabel#mod {{ color: {ACCENT}; }}
QToolTip {{ background: {PANEL_2}; color: {TEXT}; border: 1px solid {BORDER}; }}
"""


def apply(app: QtWidgets.QApplication) -> None:
    app.setStyle("Fusion")
    pal = QtGui.QPalette()
    c = QtGui.QColor
    pal.setColor(QtGui.QPalette.Window, c(PANEL))
    pal.setColor(QtGui.QPalette.WindowText, c(TEXT))
    pal.setColor(QtGui.QPalette.Base, c(BG))
    pal.setColor(QtGui.QPalette.AlternateBase, c(PANEL))
    pal.setColor(QtGui.QPalette.Text, c(TEXT))
    pal.setColor(QtGui.QPalette.Button, c(PANEL_2))
    pal.setColor(QtGui.QPalette.ButtonText, c(TEXT))
    pal.setColor(QtGui.QPalette.Highlight, c(ACCENT))
    pal.setColor(QtGui.QPalette.HighlightedText, c("#0b0d10"))
    pal.setColor(QtGui.QPalette.ToolTipBase, c(PANEL_2))
    pal.setColor(QtGui.QPalette.ToolTipText, c(TEXT))
    app.setPalette(pal)
    app.setStyleSheet(STYLESHEET)
