"""The house's figures (issue 13): how far the code is from docs/architecture.md.

    python scripts/house_counts.py [SRC] [--list]

SRC is a source folder holding `pensionportal/` (default: this checkout's `src`); the
layers and edges are read from this checkout's `.importlinter`, so one tree can be measured
against the rules of another (the "before" figures of issue 13 are this script run on the
old main). `--list` prints every finding under its figure.

1. upward imports: direct imports (any statement, in a function or not, for types only or
   not) from a module to a module of a higher layer, to an independent sibling of its
   layer, or from a non-edge module to an edge;
2. cycles: groups of top-level packages that import each other (edges left out: an edge
   may import anything), and groups of modules that do (all modules);
3. function-level imports outside migrations, and how many carry no comment saying why;
4. rule numbers outside `rules/parameters/`: a day, week, month or year count written in a
   template or in user-facing text of the code, a year written as a date in the code, a
   365/366-day year, and a module-level number named like a rule; a count inside a quoted
   seed heading (`§1 '30 Days or Less'`) or in quotation marks is a citation, counted apart, and
   a constant whose comment says "not a plan rule" (how far a job looks back) is operational;
5. tenant queries in views: `Model.objects` of a tenant model (Organization, User, or one
   with a foreign-key path to Organization) in a view or API module;
6. duplicate pairs: what `duplicates` reports as non-boilerplate in SRC (migrations, being
   generated history, are counted apart).
"""

from __future__ import annotations

import argparse
import ast
import configparser
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pensionportal"

DAY_COUNT = re.compile(
    r"\b(\d+)\s*(?:-\s*)?(?:business\s+|calendar\s+|working\s+)?(days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
RULE_NAME = re.compile(r"(^|_)(DAYS|WEEKS|MONTHS|YEARS|RATE|AGE|YEAR|FROM|EARLIEST|UNTIL)(_|$)")
DOTTED = re.compile(r"pensionportal(\.[a-z_]+)+")
VIEW_MODULE = re.compile(r"(^|\.)(views|api)(\.|$)")


def _contract_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class Layers:
    """The `.importlinter` contracts: ordered layers of top-level packages, and edges."""

    def __init__(self, config: Path) -> None:
        parser = configparser.ConfigParser()
        parser.read(config)
        layers = parser["importlinter:contract:layers"]
        self.rank: dict[str, int] = {}
        self.group: dict[str, int] = {}
        rows = _contract_lines(layers["layers"])
        for index, row in enumerate(rows):
            for sibling in row.split("|"):
                name = sibling.strip().strip("()")
                self.rank[name] = len(rows) - index  # the higher, the larger
                self.group[name] = index
        edges = parser["importlinter:contract:edges"]
        self.edge_patterns = _contract_lines(edges["protected_modules"])

    def is_edge(self, module: str) -> bool:
        for pattern in self.edge_patterns:
            regex = re.escape(pattern).replace(r"\*", "[^.]+")
            if re.fullmatch(regex + r"(\..+)?", module):
                return True
        return False

    def top(self, module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else ""

    def upward(self, importer: str, imported: str) -> bool:
        if self.is_edge(importer):
            return False
        if self.is_edge(imported):
            return True
        a, b = self.top(importer), self.top(imported)
        if a == b or a not in self.rank or b not in self.rank:
            return False
        return self.rank[b] >= self.rank[a]


def _graph(src: Path):  # type: ignore[no-untyped-def]
    import grimp

    sys.path.insert(0, str(src))
    return grimp.build_graph(PACKAGE, cache_dir=None)


def _sccs(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def imports_and_cycles(src: Path, layers: Layers) -> dict[str, list[str]]:
    graph = _graph(src)
    upward: list[str] = []
    package_edges: dict[str, set[str]] = defaultdict(set)
    module_edges: dict[str, set[str]] = defaultdict(set)
    for importer in sorted(graph.modules):
        if ".migrations" in importer:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            module_edges[importer].add(imported)
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = ",".join(str(d["line_number"]) for d in details)
            if layers.upward(importer, imported):
                upward.append(f"{importer} -> {imported} (l.{lines})")
            a, b = layers.top(importer), layers.top(imported)
            if a and b and a != b and not layers.is_edge(importer):
                package_edges[a].add(b)
    for path in _python_files(src):
        importer = ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        if importer.endswith("settings"):
            continue  # configuration names the classes Django loads
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if not DOTTED.fullmatch(node.value):
                continue
            imported = node.value
            while imported and imported not in graph.modules:
                imported = imported.rpartition(".")[0]
            if not imported or layers.top(imported) == layers.top(importer):
                continue
            module_edges[importer].add(imported)
            if layers.upward(importer, imported):
                upward.append(f"{importer} -> {imported} (by name, l.{node.lineno})")
            if not layers.is_edge(importer):
                package_edges[layers.top(importer)].add(layers.top(imported))
    package_cycles = [" <-> ".join(g) for g in _sccs(package_edges, package_edges)]
    module_cycles = [" <-> ".join(g) for g in _sccs(module_edges, module_edges)]
    return {
        "upward imports": upward,
        "package cycles": package_cycles,
        "module cycles": module_cycles,
    }


def _python_files(src: Path) -> Iterable[Path]:
    for path in sorted((src / PACKAGE).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _comment_near(lines: list[str], node: ast.stmt) -> bool:
    """A comment on the import's lines, or on the line above its block of imports."""
    span = lines[node.lineno - 1 : node.end_lineno or node.lineno]
    if any("#" in line for line in span):
        return True
    number = node.lineno - 1
    while number > 0:
        above = lines[number - 1].strip()
        if above.startswith("#"):
            return True
        if not (above == "" or above.startswith(("import ", "from ", ")")) or above.endswith(",")):
            return False
        number -= 1
    return False


def function_imports(src: Path) -> dict[str, list[str]]:
    every: list[str] = []
    unexplained: list[str] = []
    for path in _python_files(src):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    where = f"{path.relative_to(src)}:{inner.lineno} {ast.unparse(inner)}"
                    every.append(where)
                    if not _comment_near(lines, inner):
                        unexplained.append(where)
    return {"function-level imports": every, "  of which without a why": unexplained}


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _is_date_call(node: ast.Call) -> bool:
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    return name == "date"


def _says_not_a_rule(lines: list[str], lineno: int, *, block: bool = False) -> bool:
    """The statement, or the comment just above it, says "not a plan rule" (with `block`,
    the comment above the run of statements the line belongs to)."""
    i = lineno - 1
    seen = [lines[i]]
    while i > 0 and (
        lines[i - 1].lstrip().startswith("#") or (block and lines[i - 1].strip() != "")
    ):
        i -= 1
        seen.append(lines[i])
    return "not a plan rule" in " ".join(seen).lower().replace("\n", " ")


def rule_numbers(src: Path) -> dict[str, list[str]]:
    found: list[str] = []
    citations: list[str] = []
    operational: list[str] = []
    package = src / PACKAGE
    for path in sorted(package.rglob("*")):
        if path.suffix not in {".html", ".txt"} or "templates" not in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in DAY_COUNT.finditer(line):
                found.append(f"{path.relative_to(src)}:{number} {match.group(0)!r} (template)")
    for path in _python_files(src):
        rel = path.relative_to(src)
        if (
            "parameters" in rel.parts
            or path.name in {"demo.py", "bench.py", "settings.py"}
            or "management" in rel.parts
        ):
            continue
        text = path.read_text(encoding="utf-8")
        source_lines = text.splitlines()
        tree = ast.parse(text)
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docs:
                    continue
                for match in DAY_COUNT.finditer(node.value):
                    before = node.value[: match.start()]
                    cited = (
                        "§" in node.value
                        or "seeds/" in node.value
                        or before.count("'") % 2
                        or before.count('"') % 2  # the seed's words in quotation marks
                    )
                    if cited:  # a seed's own words, quoted as the source
                        citations.append(f"{rel}:{node.lineno} {match.group(0)!r} (quoted)")
                    else:
                        found.append(f"{rel}:{node.lineno} {match.group(0)!r} (text)")
            elif isinstance(node, ast.Call) and _is_date_call(node) and node.args:
                year = node.args[0]
                if (
                    isinstance(year, ast.Constant)
                    and isinstance(year.value, int)
                    and 1900 < year.value < 2100
                ):
                    where = f"{rel}:{node.lineno} {ast.unparse(node)} (a date)"
                    if _says_not_a_rule(source_lines, node.lineno):
                        operational.append(where)
                    else:
                        found.append(where)
            elif isinstance(node, ast.BinOp | ast.Compare | ast.Call):
                for child in ast.iter_child_nodes(node):
                    if (
                        isinstance(child, ast.Constant)
                        and not isinstance(child.value, bool)
                        and child.value in (365, 366, "365")
                    ):
                        found.append(f"{rel}:{node.lineno} {ast.unparse(node)} (a year)")
        for statement in tree.body:
            if isinstance(statement, ast.Assign | ast.AnnAssign):
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                names = [t.id for t in targets if isinstance(t, ast.Name)]
                value = statement.value
                if not isinstance(value, ast.Constant | ast.Call | ast.BinOp):
                    continue
                if not any(RULE_NAME.search(n) for n in names):
                    continue
                numbers = [
                    c
                    for c in ast.walk(value)
                    if isinstance(c, ast.Constant)
                    and not isinstance(c.value, bool)
                    and (
                        isinstance(c.value, int | float)
                        or (isinstance(c.value, str) and re.fullmatch(r"[\d.]+", c.value))
                    )
                ]
                if numbers:
                    where = f"{rel}:{statement.lineno} {ast.unparse(statement)} (a constant)"
                    if _says_not_a_rule(source_lines, statement.lineno):
                        operational.append(where)
                    else:
                        found.append(where)
    settings = package / "settings.py"
    if settings.exists():
        setting_lines = settings.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(setting_lines, 1):
            if re.search(r"_(BUSINESS_)?DAYS\"?,\s*\"?\d", line):
                where = f"{settings.relative_to(src)}:{number} {line.strip()} (setting)"
                if _says_not_a_rule(setting_lines, number, block=True):
                    operational.append(where)
                else:
                    found.append(where)
    unique: dict[str, str] = {}
    for row in found:  # one finding a line
        unique.setdefault(row.split(" ", 1)[0], row)
    return {
        "rule numbers outside parameters": list(unique.values()),
        "  seed headings quoted as a source": citations,
        "  operational numbers (a comment says: not a plan rule)": operational,
    }


def _models(src: Path) -> tuple[dict[str, set[str]], set[str]]:
    """Model name -> names it has a foreign key (or one-to-one) to; and every model name."""
    links: dict[str, set[str]] = defaultdict(set)
    names: set[str] = set()
    for path in sorted((src / PACKAGE).glob("*/models.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b) for b in node.bases}
            if not any("Model" in b or "AbstractUser" in b for b in bases):
                continue
            names.add(node.name)
            for call in ast.walk(node):
                if not isinstance(call, ast.Call) or not call.args:
                    continue
                kind = ast.unparse(call.func)
                if not kind.endswith(("ForeignKey", "OneToOneField")):
                    continue
                target = call.args[0]
                if isinstance(target, ast.Constant) and isinstance(target.value, str):
                    links[node.name].add(target.value.rpartition(".")[2])
                elif isinstance(target, ast.Attribute):
                    links[node.name].add("User" if "AUTH_USER_MODEL" in ast.unparse(target) else "")
                elif isinstance(target, ast.Name):
                    links[node.name].add(target.id)
    return links, names


def tenant_models(src: Path) -> set[str]:
    links, names = _models(src)
    tenant = {"Organization"}
    changed = True
    while changed:
        changed = False
        for name in names - tenant:
            if links[name] & tenant:
                tenant.add(name)
                changed = True
    return tenant | {"User"}


def tenant_queries(src: Path, layers: Layers) -> dict[str, list[str]]:
    tenant = tenant_models(src)
    found: list[str] = []
    for path in _python_files(src):
        module = ".".join(path.relative_to(src).with_suffix("").parts)
        if not VIEW_MODULE.search(module):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_default_manager"}
                and isinstance(node.value, ast.Name)
                and node.value.id in tenant
            ):
                found.append(f"{path.relative_to(src)}:{node.lineno} {node.value.id}.{node.attr}")
    return {"tenant queries in views": found}


def duplicate_pairs(src: Path) -> dict[str, list[str]]:
    tool = shutil.which("duplicates")
    if tool is None:
        return {"duplicate pairs (duplicates not on PATH)": []}
    results: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        code = Path(scratch) / "code"
        migrations = Path(scratch) / "migrations"
        for path in sorted((src / PACKAGE).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            rel = path.relative_to(src)
            target = (migrations if "migrations" in rel.parts else code) / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        for label, folder in (("duplicate pairs", code), ("  in migrations", migrations)):
            out = subprocess.run(  # noqa: S603
                [tool, "--repo", str(folder), "--most", "200", "--seconds", "300"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            rows = [r for r in out.splitlines() if r.startswith("D") and "boilerplate" not in r]
            more = re.search(r"\(\+(\d+) more pairs\)", out)
            if more:
                rows.append(f"(+{more.group(1)} more pairs, some boilerplate)")
            results[label] = rows
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", nargs="?", default=str(ROOT / "src"))
    parser.add_argument("--list", action="store_true", help="print every finding")
    parser.add_argument("--no-duplicates", action="store_true")
    args = parser.parse_args()
    src = Path(args.src).resolve()
    layers = Layers(ROOT / ".importlinter")
    figures: dict[str, list[str]] = {}
    figures.update(imports_and_cycles(src, layers))
    figures.update(function_imports(src))
    figures.update(rule_numbers(src))
    figures.update(tenant_queries(src, layers))
    if not args.no_duplicates:
        figures.update(duplicate_pairs(src))
    for label, rows in figures.items():
        count = len([r for r in rows if not r.startswith("(+")])
        extra = next((r for r in rows if r.startswith("(+")), "")
        print(f"{label:40} {count}{' ' + extra if extra else ''}")
        if args.list:
            for row in rows:
                print(f"    {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
