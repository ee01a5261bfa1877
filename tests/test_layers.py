"""The import contracts of pyproject.toml ([tool.importlinter]) hold: no module imports upwards."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

# In a process of its own: import-linter configures logging with dictConfig, which
# disables every logger already created (pdfminer's among them) in the calling process.
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def test_import_contracts_are_kept():
    done = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
