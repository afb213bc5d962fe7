"""How a plan is found: the rules that say what is optimised, and the solve path.

:mod:`~cus_match.optimise.rules` (objectives as lexicographic stages of named terms),
:mod:`~cus_match.optimise.solve` (the one entry point, :func:`cus_match.solve`, and its method
registry), :mod:`~cus_match.optimise.options` (``SolveOptions``, the deadline, progress events),
:mod:`~cus_match.optimise.solvers` (the per-component driver and the component-method protocol;
greedy, flow, CP-SAT, stable, nearest on the domain) and :mod:`~cus_match.optimise.engine`
(array-level assignment: GAP and LAP, also the OR-Library path; ``engine.params`` is the one
home of CP-SAT, LP and LNS settings).
"""
