"""Apps depend one way: an app imports only the apps below it.

The order, lowest first; a rule of a lower app that needs a higher one is a signal declared
in the lower app (groups/signals.py, grants/signals.py) that the higher app answers.
"""

import ast
from pathlib import Path

from django.conf import settings

ORDER = [
    "accounts",
    "core",
    "audit",
    "regions",
    "letters",
    "groups",
    "grants",
    "reports",
    "training",
    "demo",
]
BASE = Path(settings.BASE_DIR)


def imported_apps(path: Path):
    """(line, app) for every import of one of our apps in the file, and every
    `apps.get_model("app", ...)`, the import by another name."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value).split(".")[0]]
        else:
            continue
        for name in names:
            app = name.split(".")[0]
            if app in ORDER:
                yield node.lineno, app


def upward_imports(base: Path = BASE) -> list[str]:
    found = []
    for app in ORDER:
        rank = ORDER.index(app)
        for path in sorted((base / app).rglob("*.py")):
            for line, imported in imported_apps(path):
                if ORDER.index(imported) > rank:
                    found.append(f"{path.relative_to(base)}:{line} imports {imported}")
    return found


def test_no_app_imports_an_app_above_it():
    assert upward_imports() == []


def test_every_app_of_ours_is_in_the_order():
    ours = {
        config.split(".")[0]
        for config in settings.INSTALLED_APPS
        if (BASE / config.split(".")[0]).is_dir()
    }
    assert ours == set(ORDER)


def test_the_check_finds_an_upward_import(tmp_path):
    """The test above can fail: a groups module importing grants is reported."""
    for app in ORDER:
        (tmp_path / app).mkdir()
    (tmp_path / "groups" / "bad.py").write_text("from grants.models import Grant\n")
    (tmp_path / "grants" / "fine.py").write_text("from groups.models import BusinessGroup\n")
    (tmp_path / "core" / "sneaky.py").write_text(
        "from django.apps import apps\napps.get_model('reports', 'ProgressReport')\n"
    )
    assert upward_imports(tmp_path) == [
        "core/sneaky.py:2 imports reports",
        "groups/bad.py:1 imports grants",
    ]
