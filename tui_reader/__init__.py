"""tui-reader: a keyboard-driven terminal reader for translated tech-news feeds."""

__version__ = "0.1.0"
