"""plateau's ``<learning-curve>`` element in documentation sites.

Sphinx: add ``"plateau_docs"`` to ``extensions`` and write ``.. learning-curve:: logs/metrics.csv``.
MkDocs: add ``plateau`` to ``plugins`` and write ``{{ learning_curve("logs/metrics.csv") }}``.
Either copies the element's files (``learning-curve.js``, ``plateau.js``, ``wasm.js``, ``fetch.js``, ``pkg/``) into the built
site once, makes the referenced logs part of it, and writes the element where the directive stands.
"""

from __future__ import annotations

import math
import shutil
from html import escape
from pathlib import Path

__version__ = "0.1.0"

#: The folder holding ``plateau/`` (the element's files), as a static folder to copy.
STATIC = Path(__file__).parent / "static"
#: The element's script, relative to the copied ``plateau/`` folder's parent.
SCRIPT = "plateau/learning-curve.js"

#: Options every form accepts, by their Python (MkDocs) spelling, and what each must be.
OPTIONS = {
    "monitor": "the name of a series in the log",
    "height": "a height in CSS pixels from 60 to 4000",
    "smoothing": "a number from 0 to 0.99",
    "log_y": "true or false",
}


class OptionError(ValueError):
    """An option of a learning curve that cannot be used, in one sentence."""


def check_options(monitor=None, height=None, smoothing=None, log_y=False):
    """The options as the element takes them, or :class:`OptionError` naming the one that is wrong."""
    if monitor is not None and (not isinstance(monitor, str) or not monitor.strip()):
        raise OptionError(f"monitor must be {OPTIONS['monitor']}, not {monitor!r}")
    if height is not None and (isinstance(height, bool) or not isinstance(height, int) or not 60 <= height <= 4000):
        raise OptionError(f"height must be {OPTIONS['height']}, not {height!r}")
    if smoothing is not None and (
        isinstance(smoothing, bool)
        or not isinstance(smoothing, (int, float))
        or not math.isfinite(smoothing)
        or not 0 <= smoothing <= 0.99
    ):
        raise OptionError(f"smoothing must be {OPTIONS['smoothing']}, not {smoothing!r}")
    if not isinstance(log_y, bool):
        raise OptionError(f"log_y must be {OPTIONS['log_y']}, not {log_y!r}")
    return {"monitor": monitor, "height": height, "smoothing": smoothing, "log_y": log_y}


def element(src, monitor=None, height=None, smoothing=None, log_y=False):
    """The ``<learning-curve>`` HTML for a log at URL ``src``; every value is escaped."""
    attrs = [("src", src)]
    if monitor is not None:
        attrs.append(("monitor", monitor))
    if height is not None:
        attrs.append(("height", str(height)))
    if smoothing is not None:
        attrs.append(("smoothing", f"{smoothing:g}"))
    text = " ".join(f'{name}="{escape(value, quote=True)}"' for name, value in attrs)
    if log_y:
        text += " log-y"
    return f"<learning-curve {text}></learning-curve>"


def preloads(folder):
    """``<link>`` tags that fetch the element's modules and wasm (in ``folder``, a URL ending in
    ``plateau``) with the page, instead of one after another as each import is found."""
    folder = escape(folder, quote=True)
    return (
        f'<link rel="modulepreload" href="{folder}/plateau.js">\n'
        f'<link rel="modulepreload" href="{folder}/wasm.js">\n'
        f'<link rel="modulepreload" href="{folder}/fetch.js">\n'
        f'<link rel="modulepreload" href="{folder}/pkg/plateau.js">\n'
        f'<link rel="preload" href="{folder}/pkg/plateau_bg.wasm" as="fetch" type="application/wasm" crossorigin>\n'
    )


def copy_static(dest):
    """Copies ``plateau/`` (the element's files) into the folder ``dest``."""
    source = STATIC / "plateau"
    if not (source / "pkg").is_dir():
        raise RuntimeError(f"plateau-docs is missing its built files in {source}: build the wheel with `make wheel`")
    shutil.copytree(source, Path(dest) / "plateau", dirs_exist_ok=True)


def setup(app):
    """The Sphinx extension (``extensions = ["plateau_docs"]``)."""
    from .sphinx_ext import setup as sphinx_setup

    return sphinx_setup(app)
