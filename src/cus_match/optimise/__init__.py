"""How a plan is found: the rules that say what is optimised, and the solve path.

:mod:`~cus_match.optimise.rules` (objectives as lexicographic stages of named terms),
:mod:`~cus_match.optimise.solve` (the one entry point, :func:`cus_match.solve`),
:mod:`~cus_match.optimise.solvers` (greedy, flow, CP-SAT, stable, nearest on the domain) and
:mod:`~cus_match.optimise.engine` (array-level assignment: GAP and LAP, also the OR-Library path).
"""
