"""The ``cus-match`` command line: :mod:`~cus_match.cli.main` holds the parser and the commands.

Each command module turns options into calls of the library and prints its answer; no other
layer imports from here.
"""
