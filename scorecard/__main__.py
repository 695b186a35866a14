"""`python -m scorecard ...` runs the command line (see scorecard.cli)."""

import sys

from .cli import main

sys.exit(main())
