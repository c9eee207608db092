"""Docs that tests keep true: the README diagram and the settings."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from readme_diagram import with_diagram  # noqa: E402


def test_readme_diagram_is_generated_from_the_current_machine():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "stateDiagram-v2" in readme
    assert with_diagram(readme) == readme, "README diagram is stale: run `make docs`"


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:1500]
    assert "make run" in head and "make test" in head


def test_every_setting_is_in_env_example_and_readme_and_read_by_the_code():
    example = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    config = (ROOT / "bot" / "config.py").read_text()
    for name in example:
        assert f"`{name}`" in readme, name
        assert f'"{name}"' in config, name
    assert len(example) >= 12
