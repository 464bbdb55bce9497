"""LaTeX output compiled to PDF: every 32-character hash stays whole on one line, the
tables fit the page, and long tables continue across pages.

Needs ``latexmk`` (with TeX Live's LaTeX packages) and ``pdftotext``; ``.ci/run``
installs them. Without them the test is skipped locally, but fails under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from . import records as expected
from .conftest import Build

TOOLS = ("latexmk", "pdftotext")
missing = [tool for tool in TOOLS if shutil.which(tool) is None]

pytestmark = [
    pytest.mark.pdf,
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(missing) and not os.environ.get("CI"),
        reason=f"needs {', '.join(missing)} (installed by .ci/run)",
    ),
]


def compile_pdf(tex: Path) -> str:
    """Compile *tex* with latexmk (stopping at the first LaTeX error); the PDF's text."""
    subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return subprocess.run(
        ["pdftotext", "-layout", str(tex.with_suffix(".pdf")), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.mark.parametrize("paper", ["letterpaper", "a4paper"])
def test_pdf_keeps_hashes_whole_and_tables_inside_the_page(build: Build, paper: str) -> None:
    assert not missing, f"CI must install {missing}"
    app = build("basic", "latex", conf={"latex_elements": {"papersize": paper}})
    (tex,) = app.outdir.glob("*.tex")
    text = compile_pdf(tex)
    lines = text.splitlines()
    for tag, package in [
        ("develop-2025-04-20", "py-packaging"),
        ("develop-2025-04-20", "cmake"),
        ("v0.23.1", "cmake"),
    ]:
        for spec_hash in expected.hashes(tag, package):
            assert any(spec_hash in line for line in lines), spec_hash
    log = tex.with_suffix(".log").read_text("utf-8", errors="replace")
    assert "Overfull \\hbox" not in log
    # cmake (36 specs) does not fit one page: the longtable continues
    assert "continued from previous page" in text.lower()


def test_pdf_of_hostile_records(build: Build) -> None:
    """Markup, quotes, and characters no page can show (U+FFFD in their place): pdfLaTeX
    compiles the page, and the replacement characters are there, as question marks."""
    assert not missing, f"CI must install {missing}"
    app = build("bad", "latex")
    (tex,) = app.outdir.glob("*.tex")
    assert "\\textbf{?}" in tex.read_text("utf-8")
    text = compile_pdf(tex)
    assert "ubuntu??[31m22.04" in text.replace(" ", "")
    assert "<script>alert(1)</script>" in text.replace(" ", "")
