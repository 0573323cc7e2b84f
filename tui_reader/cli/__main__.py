"""`python -m tui_reader.cli`: the `tui-reader` entry point."""

import sys

from tui_reader.cli import main

sys.exit(main())
