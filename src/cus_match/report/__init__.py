"""A plan as one self-contained HTML page for coordinators, in Polish or English.

:func:`render_report` returns the page and :func:`write_report` writes it: a summary, coverage
by place and kind of help, helpers' load, a schematic map, unmet visits with explanations, the
shortage diagnosis, referrals, visits met by formal services, the helpers' schedule and the
rule — with the reminder that the plan is a proposal people approve. Styles and charts (SVG)
are inline: the file opens offline, makes no network request and runs no script. Text from the
instance is HTML-escaped; residents appear by pseudonymous id unless names are passed.

Needs the ``report`` extra (jinja2, matplotlib).

Examples
--------
>>> from cus_match.generate import generate
>>> from cus_match.optimise.solve import solve
>>> inst = generate("tiny", seed=1)
>>> html = render_report(inst, solve(inst, method="greedy"), lang="pl")
>>> "Wizyty bez pomocy i dlaczego" in html and "<svg" in html
True
"""

from cus_match.lang import LANGS
from cus_match.report.html import render_report, write_report

__all__ = ["LANGS", "render_report", "write_report"]
