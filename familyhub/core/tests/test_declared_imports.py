"""Every package the code imports is a declared dependency (scripts/check-imports-declared)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def check():
    path = ROOT / "scripts" / "check-imports-declared"
    loader = importlib.machinery.SourceFileLoader("check_imports_declared", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up there
    loader.exec_module(module)
    yield module
    del sys.modules[loader.name]


def _project(tmp_path: Path, files: dict[str, str], *, runtime="", dev="", pyproject="") -> Path:
    (tmp_path / "requirements.in").write_text(runtime)
    (tmp_path / "requirements-dev.in").write_text(dev)
    (tmp_path / "pyproject.toml").write_text(pyproject or '[project]\nname = "familyhub"\n')
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_every_package_familyhub_imports_is_declared(check):
    assert check.problems() == []


def test_an_import_only_a_dependency_brings_in_is_caught(check, tmp_path):
    # jellyfish is installed here (recordlinkage needs it), but installing familyhub alone
    # would not bring it.
    root = _project(
        tmp_path,
        {"familyhub/matching/keys.py": "import os\nimport django\nimport jellyfish\n"},
        runtime="Django>=5.2,<5.3\n",
    )
    [problem] = check.problems(root)
    assert problem.startswith("familyhub/matching/keys.py:3: imports jellyfish")


def test_test_code_may_use_dev_requirements_and_runtime_code_may_not(check, tmp_path):
    files = {
        "familyhub/people/tests/test_x.py": "import pytest\nimport factory\n",
        "familyhub/conftest.py": "import pytest\n",
        "familyhub/people/views.py": "import pytest\n",
    }
    root = _project(tmp_path, files, dev="pytest\nfactory-boy  # factories\n")
    assert [p.split(":")[0] for p in check.problems(root)] == ["familyhub/people/views.py"]


def test_demo_and_bench_code_may_use_the_demo_extra(check, tmp_path):
    files = {
        "familyhub/demo/people.py": "from faker import Faker\n",
        "familyhub/bench/run.py": "import faker\n",
        "familyhub/people/models.py": "import faker\n",
    }
    pyproject = '[project]\nname = "familyhub"\n[project.optional-dependencies]\ndemo = ["Faker"]\n'
    root = _project(tmp_path, files, pyproject=pyproject)
    assert [p.split(":")[0] for p in check.problems(root)] == ["familyhub/people/models.py"]


def test_type_checking_imports_and_the_standard_library_are_not_runtime_needs(check, tmp_path):
    files = {
        "familyhub/x.py": (
            "from __future__ import annotations\nimport json\nfrom typing import TYPE_CHECKING\n"
            "from familyhub.env import envint\n"
            "if TYPE_CHECKING:\n    import pytest\n"
        )
    }
    assert check.problems(_project(tmp_path, files, dev="pytest\n")) == []
