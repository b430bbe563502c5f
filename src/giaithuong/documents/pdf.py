"""Letters as PDF, drawn by Typst from the layout core (see docs/decisions and layout.py).

One compiler per process, reused; the layout goes in as JSON through `sys.inputs`, so user
text is data and never Typst markup. Fonts: Times New Roman metrics with full Vietnamese
coverage — Liberation Serif 2 (Debian fonts-liberation2) or Tinos (fonts-croscore).
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from importlib import resources
from pathlib import Path

import typst

from giaithuong.directives.layout import build_layout
from giaithuong.directives.letter import LetterDoc

TEMPLATE = "letter.typ"
# First choice first; all have Times New Roman metrics.
FONT_FAMILIES = ("Liberation Serif", "Tinos")
# The regular face's file name (without .ttf) of each family.
_FONT_FILES = {"Liberation Serif": "LiberationSerif-Regular", "Tinos": "Tinos-Regular"}
_VIETNAMESE_SAMPLE = "ẠẶẬỆỘỢỰỸđĐươƯƠ"
_SEARCH_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def _regular_file(family: str) -> str:
    return _FONT_FILES.get(family, family.replace(" ", "") + "-Regular")


class LetterFontMissing(RuntimeError):
    """No font with Times New Roman metrics and Vietnamese coverage is installed."""


@functools.cache
def font_dirs(families: tuple[str, ...] = FONT_FAMILIES) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(font directories, families found) for the letter fonts, best first.

    Asks fontconfig for fonts that cover the Vietnamese letters (so the old Liberation 1.x, which
    lacks some of them, is passed over); without fc-list, looks in the usual font folders.
    Raises LetterFontMissing, saying what to install, when none of `families` is there.
    """
    found: dict[str, list[str]] = {family: [] for family in families}
    fc_list = shutil.which("fc-list")
    if fc_list:
        charset = " ".join(f"{ord(char):x}" for char in _VIETNAMESE_SAMPLE)
        listing = subprocess.run(  # noqa: S603 - fixed arguments
            [fc_list, f":charset={charset}", "family", "file"],
            capture_output=True, text=True, check=False, timeout=30,
        ).stdout
        for row in listing.splitlines():
            path, _, names = row.partition(": ")
            for family in families:
                if family in names.split(",") and Path(path).stem == _regular_file(family):
                    found[family].append(str(Path(path).parent))
    else:
        for base in _SEARCH_DIRS:
            root = Path(base).expanduser()
            if not root.is_dir():
                continue
            for family in families:
                # reverse: liberation2 before liberation
                for path in sorted(root.rglob(f"{_regular_file(family)}.ttf"), reverse=True):
                    found[family].append(str(path.parent))
    dirs: list[str] = []
    present: list[str] = []
    for family in families:
        if found[family]:
            present.append(family)
            best = sorted(found[family], key=lambda d: ("liberation2" not in d, d))[0]
            if best not in dirs:
                dirs.append(best)
    if not dirs:
        raise LetterFontMissing(
            "No font for letters: need Liberation Serif 2 or Tinos (Times New Roman metrics, "
            "full Vietnamese). Install the Debian packages fonts-liberation2 or fonts-croscore "
            "(apt-get install fonts-liberation2 fonts-croscore)."
        )
    return tuple(dirs), tuple(present)


class _Renderer:
    def __init__(self, name: str = TEMPLATE) -> None:
        dirs, families = font_dirs()
        fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                            font_paths=list(dirs))
        available = set(fonts.families())
        self.families = [family for family in families if family in available]
        if not self.families:
            raise LetterFontMissing(
                f"Typst could not load Liberation Serif or Tinos from {', '.join(dirs)}; "
                "reinstall fonts-liberation2 or fonts-croscore."
            )
        template = resources.files("giaithuong.documents") / "typst" / name
        path = Path(str(template))
        self.compiler = typst.Compiler(str(path), root=str(path.parent), font_paths=fonts,
                                       ignore_system_fonts=True)
        self.lock = threading.Lock()

    def render(self, inputs: dict[str, str]) -> bytes:
        with self.lock:
            return self.compiler.compile(format="pdf", sys_inputs=inputs, timestamp=0)


@functools.cache
def renderer(name: str = TEMPLATE) -> _Renderer:
    """The compiler of one template under documents/typst, made once per process."""
    return _Renderer(name)


def render_letter_pdf(doc: LetterDoc, *, attachments_png: dict | None = None) -> bytes:
    """The letter as PDF bytes. `attachments_png` maps an attachment (its caption, or its index
    in `doc.attachments`) to PNG bytes, drawn on a page after the letter with its caption."""
    layout = build_layout(doc)
    images: dict[str, list[int]] = {}
    for key, png in (attachments_png or {}).items():
        index = key if isinstance(key, int) else doc.attachments.index(key)
        images[str(index)] = list(bytes(png))
    letters = renderer()
    inputs = {
        "layout": json.dumps(layout.to_dict(), ensure_ascii=False),
        "fonts": json.dumps(letters.families),
        "images": json.dumps(images),
    }
    return letters.render(inputs)
