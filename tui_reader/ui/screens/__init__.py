"""The reader's screens: the help overlay."""
