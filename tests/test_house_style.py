"""The size limits of the house style hold for every module and function of the package.

A module holds one concern in at most ``MAX_MODULE_LINES`` lines; a function (or method, numba
kernel included) has at most ``MAX_FUNCTION_LINES`` lines of code after its docstring. The
test parses the source (no import), so it fails on the file and function that grew, with the
number.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "statlearn"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MODULES = sorted(PACKAGE.rglob("*.py"))


def _code_lines(node):
    """Lines of ``node`` from the first statement after its docstring to its end."""
    body = node.body
    first = body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(
        first.value.value, str)
    if has_doc and len(body) == 1:
        return 0
    start = body[1].lineno if has_doc else first.lineno
    return node.end_lineno - start + 1


def test_the_package_has_modules():
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_size(path):
    n = len(path.read_text().splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.relative_to(PACKAGE)} has {n} lines (limit {MAX_MODULE_LINES})"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_function_size(path):
    tree = ast.parse(path.read_text())
    long = [(node.name, node.lineno, _code_lines(node)) for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _code_lines(node) > MAX_FUNCTION_LINES]
    assert not long, f"{path.relative_to(PACKAGE)}: functions over {MAX_FUNCTION_LINES} lines of code: {long}"


def test_code_lines_counts_after_the_docstring():
    tree = ast.parse('def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n\n'
                     'def g():\n    return 1\n')
    f, g = tree.body
    assert (_code_lines(f), _code_lines(g)) == (2, 1)
