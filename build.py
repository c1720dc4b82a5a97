#!/usr/bin/env python3
"""Build the Treaty Commentary Archive: `python build.py --help` lists the commands."""

import os
import sys

from sitegen.commands.cli import main

if __name__ == "__main__":
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage tool writes its report at a normal exit
    # Everything is written, closed and swapped into place by now; tearing down the
    # interpreter's objects one by one would only add a fifth of a second to a large build.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
