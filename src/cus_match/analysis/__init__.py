"""What a plan means: explanations, metrics, diagnosis, recommendations and studies.

Everything here reads an instance and a plan (and may re-solve, through
:mod:`cus_match.optimise`); nothing here writes files or formats pages: that is
:mod:`cus_match.report` and :mod:`cus_match.io`.
"""
