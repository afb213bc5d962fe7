"""Solvers: each turns an instance into a :class:`~cus_match.plan.result.Result`."""
