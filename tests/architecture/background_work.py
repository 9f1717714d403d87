"""Work handed to a background thread never holds a widget.

A worker's closure is dropped on the worker when its thread ends. Were it the last reference
to a widget's Python wrapper (a dialog closed meanwhile), the widget would be freed on the
worker, beside the GUI thread that owns it. So the work given to `BackgroundOps.query` /
`.write` and `run_in_background` takes plain values read beforehand (``services = self.services``),
never ``self`` nor a bound method of it. The callbacks, which run on the GUI thread, may.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_METHODS = ("query", "write")


def _work_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _METHODS and len(call.args) >= 2:
        return call.args[1]
    if isinstance(func, ast.Name) and func.id == "run_in_background" and len(call.args) >= 2:
        return call.args[1]
    return None


def widget_holding_work(source: str) -> list[tuple[int, str]]:
    """(line, work) of each background call whose work refers to ``self``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        work = _work_argument(node)
        if work is None:
            continue
        if any(isinstance(n, ast.Name) and n.id == "self" for n in ast.walk(work)):
            found.append((node.lineno, ast.unparse(work)))
    return found


def violations(package: Path = ROOT / "app" / "ui") -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {work}"
        for path in sorted(package.rglob("*.py"))
        for line, work in widget_holding_work(path.read_text(encoding="utf-8"))
    ]
