"""Import rules that import-linter cannot state, read from the source with `ast`.

- No import cycles between modules, counting the imports inside functions (import-linter's
  layers say which way packages may depend, not that modules never loop).
- No import inside a function without a ``# Deferred: <why>`` comment on the line before it
  (or before the run of import lines it starts): a module's dependencies are at its top unless
  start-up time needs them later. Files listed in ``deferred_allow.txt`` are counted, not
  failed, until their imports are sorted out; that list may only shrink.

Run ``python -m tests.architecture.import_rules`` for the counts; the tests in
``test_imports.py`` enforce the rules.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "app"
ALLOW_FILE = Path(__file__).with_name("deferred_allow.txt")
DEFERRED_MARK = "# Deferred:"


@dataclass(frozen=True)
class FunctionImport:
    """An import statement inside a function body."""

    path: str  # relative to the project root, with forward slashes
    line: int
    text: str
    deferred: bool  # a `# Deferred:` comment says why it stays there


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path = ROOT, package: str = PACKAGE) -> list[Path]:
    """The package's modules; migration scripts are loaded by Alembic, not imported."""
    return sorted(p for p in (root / package).rglob("*.py") if "migrations" not in p.parts)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(child) for child in ast.walk(node))
    return hidden


def _imported(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement reaches (``from a import b`` gives ``a.b``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join([*base, node.module] if node.module else base)
    else:
        prefix = node.module or ""
    return [f"{prefix}.{alias.name}" for alias in node.names]


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in its body (functions too), but
    not under ``if TYPE_CHECKING:``, which never runs."""
    files = {module_name(p, root): p for p in source_files(root, package)}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hidden = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in hidden:
                continue
            for target in _imported(name, path.name == "__init__.py", node):
                while target not in files and "." in target:
                    target = target.rsplit(".", 1)[0]  # `from pkg import name`: the module pkg
                if target in files and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
    return cycles


def function_imports(path: Path, root: Path = ROOT) -> list[FunctionImport]:
    """Every import inside a function (nested ones too) and whether it is marked deferred.

    The mark is a ``# Deferred:`` comment (it may run on over more comment lines) right above
    the import, or above the run of import statements the import belongs to.
    """
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    hidden = _type_checking_nodes(tree)
    found: dict[int, ast.Import | ast.ImportFrom] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in hidden:
                found[node.lineno] = node
    ends = {node.end_lineno: node for node in found.values()}
    relative = path.relative_to(root).as_posix()
    result = []
    for line, node in sorted(found.items()):
        first = line
        while first - 1 in ends:  # the run of imports right above this one
            first = ends[first - 1].lineno
        result.append(FunctionImport(relative, line, ast.unparse(node), _marked(lines, first)))
    return result


def _marked(lines: list[str], first: int) -> bool:
    """Whether the comment block right above line ``first`` (1-based) has the mark."""
    index = first - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        if lines[index].strip().startswith(DEFERRED_MARK):
            return True
        index -= 1
    return False


def read_allow_list(path: Path = ALLOW_FILE) -> list[str]:
    """The files exempt from the deferred-comment rule for now (comments and blanks skipped)."""
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        entry = raw.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return entries


def unmarked_imports(root: Path = ROOT, package: str = PACKAGE) -> dict[str, list[FunctionImport]]:
    """Per file, the function-level imports without a ``# Deferred:`` comment."""
    result: dict[str, list[FunctionImport]] = {}
    for path in source_files(root, package):
        unmarked = [item for item in function_imports(path, root) if not item.deferred]
        if unmarked:
            result[path.relative_to(root).as_posix()] = unmarked
    return result


def deferred_violations(
    unmarked: Mapping[str, list[FunctionImport]], allowed: Iterable[str]
) -> list[str]:
    """Problems: unmarked imports outside the allow-list, and allow-list entries that no
    longer need it (remove them, so the list shrinks)."""
    allowed = set(allowed)
    problems = [
        f"{item.path}:{item.line}: `{item.text}` inside a function without a "
        f"'{DEFERRED_MARK} <why>' comment on the line before it"
        for path, items in sorted(unmarked.items())
        if path not in allowed
        for item in items
    ]
    problems += [
        f"{path}: listed in deferred_allow.txt but has no unmarked import left; remove it"
        for path in sorted(allowed - set(unmarked))
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print the cycles and unmarked imports; the allow-listed files' counts are only shown."""
    del argv
    code = 0
    for cycle in find_cycles(import_graph()):
        print("import cycle: " + " -> ".join(cycle))
        code = 1
    unmarked = unmarked_imports()
    allowed = read_allow_list()
    for problem in deferred_violations(unmarked, allowed):
        print(problem)
        code = 1
    pending = {path: len(unmarked.get(path, [])) for path in allowed}
    print(
        f"function-level imports without '{DEFERRED_MARK}' in allow-listed files: "
        f"{sum(pending.values())} in {len(pending)} files"
    )
    for path, count in sorted(pending.items(), key=lambda item: -item[1]):
        print(f"  {count:4d}  {path}")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
