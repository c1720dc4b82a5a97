#!/usr/bin/env python3
"""Build the Treaty Commentary Archive: `python build.py --help` lists the commands."""

import sys

from sitegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
