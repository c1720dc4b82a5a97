"""`python -m sitegen`: the same command line as `treaty-archive` and `python build.py`."""

import sys

from sitegen.commands.cli import main

if __name__ == "__main__":
    sys.exit(main())
