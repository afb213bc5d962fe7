"""The ``cus-match`` command line, one module per group of commands.

:mod:`~cus_match.cli.main` holds the top-level parser and the dispatch; :mod:`~.instances`
(demo, generate, validate, schema, template, import), :mod:`~.plans` (solve, check),
:mod:`~.analysis` (explain, diagnose, recommend, compare), :mod:`~.renderings` (report, export)
and :mod:`~.history` (history, certificate) each add their commands; :mod:`~.common` holds what
they share. Each command turns options into calls of the library, imported inside the handler,
and prints its answer; no other layer imports from here.
"""
