"""`python -m tui_reader`: the same entry point as the `tui-reader` script."""

import sys

from tui_reader.cli import main

sys.exit(main())
