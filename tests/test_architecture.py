"""The house rules a newcomer relies on: one folder per part, imports flowing one way, no import cycles."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "exercises"
# Content code may use the leads only to take a request (the form and its view) and to register them.
MAY_IMPORT_LEADS = {
    "exercises.models",
    "exercises.admin",
    "exercises.tasks",
    "exercises.articles.views",
    "exercises.urls",
    "exercises.templatetags.inbox",
}
# The parts of the site, each a folder of exercises/, and the other parts each may import: a graph with no cycle.
MAY_USE = {
    "pagecache": set(),
    "site": {"pagecache"},
    "photos": set(),
    "writing": {"photos"},
    "library": {"writing", "photos"},
    "gym": {"writing", "photos", "site", "pagecache"},
    "articles": {"library", "gym", "writing", "photos", "site", "pagecache", "leads"},
    "leads": {"articles", "pagecache"},
}
# What leads may take of the content: the comparison a request came from, to name it.
LEADS_MAY_USE = {"exercises.articles.models", "exercises.pagecache"}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every exercises module this file imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            submodules = {f"{target}.{alias.name}" for alias in node.names} & MODULES.keys()
            # `from . import store` imports the module store; `from .store import x` imports store.
            found.update(submodules or {target})
    return {module for module in found if module.split(".")[0] == "exercises" and module in MODULES}


MODULES = {module_name(path): path for path in APP.rglob("*.py") if "migrations" not in path.parts}
IMPORTS = {name: imported_modules(path) for name, path in MODULES.items()}


def test_the_page_cache_imports_nothing_of_the_site():
    for name, imports in IMPORTS.items():
        if name.startswith("exercises.pagecache"):
            assert all(module.startswith("exercises.pagecache") for module in imports), (name, imports)


def code_lines(path: Path) -> int:
    """Lines of code: not blank, not a comment, not a docstring."""
    source = path.read_text()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and ast.get_docstring(node) is not None:
            docstrings.update(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    lines = enumerate(source.splitlines(), start=1)
    return sum(
        1 for number, line in lines if line.strip() and not line.strip().startswith("#") and number not in docstrings
    )


def test_the_page_cache_reads_in_one_sitting():
    assert sum(code_lines(path) for path in (APP / "pagecache").glob("*.py")) <= 202


def test_content_code_never_imports_the_leads_but_to_take_a_request():
    for name, imports in IMPORTS.items():
        if not name.startswith("exercises.leads") and name not in MAY_IMPORT_LEADS:
            assert not any(module.startswith("exercises.leads") for module in imports), (name, imports)


def part_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in MAY_USE else None


def test_every_part_imports_only_the_parts_below_it():
    for name, imports in IMPORTS.items():
        if (part := part_of(name)) is not None:
            used = {part_of(module) for module in imports} - {part, None}
            assert used <= MAY_USE[part], (name, used - MAY_USE[part])


def test_writing_photos_and_the_library_never_import_articles():
    for name, imports in IMPORTS.items():
        if part_of(name) in {"writing", "photos", "library"}:
            assert not any(part_of(module) == "articles" for module in imports), (name, imports)


def test_the_leads_take_of_the_content_only_the_article_a_request_came_from():
    for name, imports in IMPORTS.items():
        if part_of(name) == "leads":
            outside = {module for module in imports if part_of(module) != "leads"}
            assert outside <= LEADS_MAY_USE, (name, outside)


def test_each_part_says_what_it_is_for_and_what_it_may_import():
    for part in MAY_USE:
        docstring = ast.get_docstring(ast.parse((APP / part / "__init__.py").read_text())) or ""
        assert "import" in docstring.lower(), part


def test_no_module_outside_the_migrations_is_over_500_lines():
    too_long = {name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not too_long


def test_no_module_imports_itself_through_others():
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for module in IMPORTS[start]:
            if module == goal or (module not in seen and (seen.add(module) or reaches(module, goal, seen))):
                return True
        return False

    assert not [name for name in IMPORTS if reaches(name, name, set())]


@pytest.mark.parametrize("forbidden", ["._sock", "._key_to_file", "._unmask", "._get_new_csrf", "._mask_cipher"])
def test_the_site_uses_only_public_names_of_libraries(forbidden):
    for path in MODULES.values():
        assert forbidden not in path.read_text(), path
