"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A line that only installs Debian packages where missing, and does nothing else.
SYSTEM_PACKAGES_RE = re.compile(r"command -v [\w-]+ >/dev/null( && command -v [\w-]+ >/dev/null)* \|\| "
                                r"\(apt-get update && apt-get install -y [\w -]+\)")


def test_ci_runs_the_readme_commands_as_written() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in ci if line and not line.startswith(("#", "set ", "cd "))
                and not SYSTEM_PACKAGES_RE.fullmatch(line)]
    assert len(commands) == 2
    for command in commands:
        assert f"\n{command}\n" in readme, command
