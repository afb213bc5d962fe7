"""What a plan is, and the independent check of it.

:mod:`~cus_match.plan.result` holds the frozen :class:`~cus_match.plan.result.Result`
(assignments, unmet visits with reasons, referrals, status, bound);
:mod:`~cus_match.plan.references` checks that a result belongs to its instance;
:mod:`~cus_match.plan.check` re-verifies every hard constraint without any solver code.
This layer knows the model, never how a plan was found.
"""
