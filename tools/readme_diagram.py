#!/usr/bin/env python3
"""Write the interview diagram, generated from the state machine, into README.md."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flows.interview import mermaid_diagram  # noqa: E402

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- interview-diagram:start -->", "<!-- interview-diagram:end -->"


def with_diagram(readme: str) -> str:
    """Return `readme` with the text between the markers replaced by the current diagram."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n```mermaid\n{mermaid_diagram()}```\n{END}{tail}"


if __name__ == "__main__":
    README.write_text(with_diagram(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")
