"""``.. learning-curve:: logs/metrics.csv`` for Sphinx's HTML builders.

The path is relative to the document (``/logs/…`` to the source folder), like ``.. image::``. Options:
``:monitor: val_loss``, ``:height: 320`` (CSS pixels), ``:smoothing: 0.8``, ``:log-y:``. Each log is
copied once to ``_static/plateau/logs/`` beside the element's files; other builders (and HTML made for
e-books and help viewers, which run no modules) leave it out.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from . import SCRIPT, STATIC, OptionError, __version__, check_options, element, preloads

#: Where logs go inside the output's ``_static/``.
LOGS = "plateau/logs"


class learning_curve(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """Where a learning curve goes: the log (relative to the source folder) and the options."""


def smoothing_option(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number from 0 to 0.99, found {text!r}") from None
    return value


class LearningCurve(SphinxDirective):
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {
        "monitor": directives.unchanged_required,
        "height": directives.positive_int,
        "smoothing": smoothing_option,
        "log-y": directives.flag,
    }

    def run(self):
        rel, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        rel = PurePosixPath(Path(rel).as_posix())
        # Sphinx before 8 does not resolve symbolic links here: one inside the folder may point outside it.
        inside = Path(path).resolve().is_relative_to(Path(self.env.srcdir).resolve())
        if ".." in rel.parts or rel.is_absolute() or not inside:
            raise self.error(f"learning-curve: {self.arguments[0]} is outside the documentation source folder; move the log inside it.")
        if not Path(path).is_file():
            raise self.error(f"learning-curve: no log at {self.arguments[0]} (looked for {path}).")
        try:
            options = check_options(
                monitor=self.options.get("monitor"),
                height=self.options.get("height"),
                smoothing=self.options.get("smoothing"),
                log_y="log-y" in self.options,
            )
        except OptionError as e:
            raise self.error(f"learning-curve: {e}.") from None
        self.env.note_dependency(path)
        logs = self.env.plateau_logs if hasattr(self.env, "plateau_logs") else {}
        logs.setdefault(self.env.docname, set()).add(str(rel))
        self.env.plateau_logs = logs
        node = learning_curve(log=str(rel), **options)
        self.set_source_info(node)
        return [node]


def draws(builder):
    """Whether ``builder`` writes pages for a browser: HTML, but not EPUB or help files (``embedded``)."""
    return builder.format == "html" and not getattr(builder, "embedded", False)


def visit_html(translator, node):
    if not draws(translator.builder):
        raise nodes.SkipNode
    page = translator.builder.get_target_uri(translator.builder.current_docname)
    src = relative_uri(page, f"_static/{LOGS}/{quote(node['log'])}")
    options = {key: node[key] for key in ("monitor", "height", "smoothing", "log_y")}
    translator.body.append(element(src, **options))
    raise nodes.SkipNode


def skip(translator, node):
    raise nodes.SkipNode


def add_static(app):
    if draws(app.builder):
        app.config.html_static_path.append(str(STATIC))


def add_script(app, pagename, templatename, context, doctree):
    if draws(app.builder) and doctree is not None and next(iter(doctree.findall(learning_curve)), None) is not None:
        app.add_js_file(SCRIPT, type="module")
        folder = relative_uri(app.builder.get_target_uri(pagename), f"_static/{SCRIPT}").rsplit("/", 1)[0]
        context["metatags"] = context.get("metatags", "") + preloads(folder)


def purge(app, env, docname):
    getattr(env, "plateau_logs", {}).pop(docname, None)


def merge(app, env, docnames, other):
    mine = env.plateau_logs if hasattr(env, "plateau_logs") else {}
    for docname, logs in getattr(other, "plateau_logs", {}).items():
        if docname in docnames:
            mine[docname] = logs
    env.plateau_logs = mine


def copy_logs(app, exception):
    if exception is not None or not draws(app.builder):
        return
    logs = set().union(*getattr(app.env, "plateau_logs", {}).values())
    for rel in sorted(logs):
        dest = Path(app.outdir) / "_static" / LOGS / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(app.srcdir) / rel, dest)


def setup(app):
    app.add_node(
        learning_curve,
        html=(visit_html, None),
        latex=(skip, None),
        text=(skip, None),
        man=(skip, None),
        texinfo=(skip, None),
    )
    app.add_directive("learning-curve", LearningCurve)
    app.connect("builder-inited", add_static)
    app.connect("html-page-context", add_script)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("build-finished", copy_logs)
    return {"version": __version__, "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
