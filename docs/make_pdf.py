"""Compile the documentation's LaTeX output to PDF, as Read the Docs does, and fail on
any LaTeX error or dropped character.

``python docs/make_pdf.py docs/_build/latex`` runs ``latexmk -pdf`` on each ``.tex``
file there (``-halt-on-error``: the first LaTeX error stops it), then fails if the log
says a character was dropped for want of a glyph ("Missing character"). Without
``latexmk`` it says so and does nothing, unless ``CI`` is set, where it fails: CI
installs TeX Live.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def main(folder: Path) -> int:
    if shutil.which("latexmk") is None:
        if os.environ.get("CI"):
            print("make_pdf: latexmk is not installed, but CI is set", file=sys.stderr)
            return 1
        print("make_pdf: latexmk is not installed; the PDF is not built")
        return 0
    documents = sorted(folder.glob("*.tex"))
    if not documents:
        print(f"make_pdf: no .tex file in {folder}", file=sys.stderr)
        return 1
    for tex in documents:
        command = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name]
        # latexmk passes on TeX's output, whose lines are cut at a byte count, through the
        # middle of a UTF-8 character ("·" became a lone 0xb7): read it leniently
        done = subprocess.run(
            command,
            cwd=folder,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        log = tex.with_suffix(".log")
        text = log.read_text("utf-8", errors="replace") if log.exists() else ""
        if done.returncode != 0:
            errors = [line for line in text.splitlines() if line.startswith("!")]
            print(f"make_pdf: LaTeX failed on {tex}:", *errors[:10], sep="\n", file=sys.stderr)
            return 1
        dropped = [line for line in text.splitlines() if "Missing character" in line]
        if dropped:
            print(f"make_pdf: {tex} dropped characters:", *dropped[:10], sep="\n", file=sys.stderr)
            return 1
        print(f"make_pdf: {tex.with_suffix('.pdf')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_build/latex")))
