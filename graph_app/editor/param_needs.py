"""Grey out the parameters a choice ignores (``Param.needs``).

A choice parameter (a palette's ``preset``) declares which of its node's parameters
each choice reads; a parameter that some choice reads but the current one does not
is shown disabled, its tooltip saying which choice would use it.
"""

from __future__ import annotations

from nodes.spec import ParamType


def ignored_params(spec, params: dict) -> dict[str, str]:
    """name -> why it is ignored now, for ``spec``'s params under the values ``params``."""
    out: dict[str, str] = {}
    for p in spec.params:
        if p.type is not ParamType.ENUM or not p.needs:
            continue
        cur = str(params.get(p.name, p.default))
        used = set(p.needed_by(cur))
        for choice, names in p.needs:
            for n in names:
                if n not in used and n not in out:
                    out[n] = f"Ignored: only {p.title} = '{choice}' reads it"
    return out


def apply(panel) -> None:
    """Enable/disable the rows of ``panel`` (a ParamsPanel) by the node's current choices."""
    nid = panel.nid
    if nid is None or nid not in panel.doc.graph.nodes:
        return
    nd = panel.doc.graph.nodes[nid]
    if nd.spec is None:
        return
    off = ignored_params(nd.spec, nd.params)
    for name, row in panel.rows.items():
        why = off.get(name)
        row.setEnabled(why is None)
        base = getattr(row, "_needs_tip", None)
        if base is None:
            base = row._needs_tip = row.toolTip()
        row.setToolTip(why if why else base)
