"""``python -m cus_match`` runs the command line."""

import sys

from cus_match.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
