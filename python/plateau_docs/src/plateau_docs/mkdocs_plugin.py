"""``{{ learning_curve("logs/metrics.csv") }}`` in MkDocs pages (``plugins: [plateau]`` in mkdocs.yml).

The path is relative to the Markdown file, like a link, and must name a file MkDocs copies into the
site (one inside ``docs_dir``). Keywords: ``monitor="val_loss"``, ``height=320`` (CSS pixels),
``smoothing=0.8``, ``log_y=True``. The call is read as a Python literal expression, never run; calls
inside code (fenced blocks and backtick spans) are left as they are, so pages can show the syntax. Pages that hold a
curve load ``assets/plateau/learning-curve.js``, copied into the site once.
"""

from __future__ import annotations

import ast
import posixpath
import re

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.utils import get_relative_url

from . import OPTIONS, SCRIPT, OptionError, check_options, copy_static, element, preloads

#: Where the element's files go in the site.
ASSETS = "assets"
OPEN, CLOSE = "{{", "}}"
NAME = "learning_curve"
#: A run of backticks (one quantifier over one character: linear, never backtracks).
BACKTICKS = re.compile("`+")


def parse_call(text):
    """``learning_curve("path", key=value, …)`` as ``(path, {key: value})``, or None for other macros.

    Raises :class:`OptionError` for a learning_curve call that cannot be used."""
    if not text.startswith(NAME):
        return None
    shown = text if len(text) <= 80 else f"{text[:77]}…"
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, MemoryError, RecursionError):
        # Deeply nested input overflows the parser's stack: as unusable as a syntax error.
        raise OptionError(f"`{shown}` is not a call like {NAME}(\"logs/metrics.csv\", height=320)") from None
    if not (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == NAME):
        raise OptionError(f"`{shown}` is not a call like {NAME}(\"logs/metrics.csv\", height=320)")
    if len(tree.args) != 1:
        raise OptionError(f"{NAME} takes one path to a log, found {len(tree.args)} arguments")
    try:
        path = ast.literal_eval(tree.args[0])
        keywords = {k.arg: ast.literal_eval(k.value) for k in tree.keywords}
    except (ValueError, TypeError, MemoryError, RecursionError):
        # TypeError: a literal that cannot be built, e.g. a dict keyed by a list.
        raise OptionError(f"the arguments of `{shown}` must be plain values (strings, numbers, True/False)") from None
    if not isinstance(path, str) or not path:
        raise OptionError(f"{NAME} takes a path to a log as a string, found {path!r:.80}")
    for key in keywords:
        if key not in OPTIONS:
            raise OptionError(f"{NAME} has no option `{key}`; it takes {', '.join(OPTIONS)}")
    return path, check_options(**keywords)


def fenced(line, fence):
    """The fence a line opens or closes (``` or ~~~ runs), given the fence open before it (or None)."""
    stripped = line.lstrip()
    for mark in ("```", "~~~"):
        if stripped.startswith(mark):
            run = mark[0] * (len(stripped) - len(stripped.lstrip(mark[0])))
            if fence is None:
                return run
            if run.startswith(fence) and not stripped[len(run):].strip():
                return None
    return fence


def code_spans(line):
    """The ``(start, end)`` of each code span in ``line``, in order: as in CommonMark, a run of n
    backticks opens a span that the next run of exactly n closes; a run with no match is literal."""
    runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(line)]
    following = [None] * len(runs)
    last = {}
    for i in range(len(runs) - 1, -1, -1):
        length = runs[i][1] - runs[i][0]
        following[i] = last.get(length)
        last[length] = i
    spans = []
    i = 0
    while i < len(runs):
        j = following[i]
        if j is None:
            i += 1
        else:
            spans.append((runs[i][0], runs[j][1]))
            i = j + 1
    return spans


class PlateauPlugin(BasePlugin):
    def on_config(self, config):
        self.used = set()
        return config

    def on_page_markdown(self, markdown, page, config, files):
        out = []
        fence = None
        for line in markdown.splitlines(keepends=True):
            before = fence
            fence = fenced(line, fence)
            out.append(line if before is not None or fence is not None else self.expand(line, page, files))
        return "".join(out)

    def expand(self, line, page, files):
        """The line with each learning_curve macro outside code spans replaced by the element (linear)."""
        spans = code_spans(line)
        span = 0
        parts = []
        at = 0
        while (start := line.find(OPEN, at)) != -1:
            end = line.find(CLOSE, start + len(OPEN))
            if end == -1:
                break
            while span < len(spans) and spans[span][1] <= start:
                span += 1
            in_code = span < len(spans) and spans[span][0] <= start
            try:
                call = None if in_code else parse_call(line[start + len(OPEN) : end].strip())
            except OptionError as e:
                raise PluginError(f"{page.file.src_uri}: {e}.") from None
            if call is None:
                parts.append(line[at : end + len(CLOSE)])
            else:
                parts.append(line[at:start])
                parts.append(self.curve(page, files, *call))
            at = end + len(CLOSE)
        parts.append(line[at:])
        return "".join(parts)

    def curve(self, page, files, path, options):
        """The element for ``path`` (relative to the page's Markdown file) on ``page``."""
        base = posixpath.dirname(page.file.src_uri)
        target = posixpath.normpath(posixpath.join(base, path)) if not path.startswith("/") else path.lstrip("/")
        log = files.get_file_from_path(target)
        if log is None or target.startswith("../"):
            raise PluginError(f"{page.file.src_uri}: {NAME}(\"{path}\"): no such file in docs_dir (looked for {target}).")
        if log.inclusion.is_excluded():
            raise PluginError(f"{page.file.src_uri}: {NAME}(\"{path}\"): {target} is left out of the site by exclude_docs.")
        self.used.add(page.file.src_uri)
        src = log.url_relative_to(page.file)
        # A block of raw HTML of its own, so Markdown leaves the element as it is.
        return f'\n<div class="plateau-curve">{element(src, **options)}</div>\n'

    def on_post_page(self, output, page, config):
        if page.file.src_uri not in self.used:
            return output
        script = get_relative_url(f"{ASSETS}/{SCRIPT}", page.url)
        tag = preloads(posixpath.dirname(script)) + f'<script type="module" src="{script}"></script>\n'
        head = output.find("</head>")
        return output[:head] + tag + output[head:] if head != -1 else tag + output

    def on_post_build(self, config):
        if self.used:
            copy_static(f"{config['site_dir']}/{ASSETS}")
