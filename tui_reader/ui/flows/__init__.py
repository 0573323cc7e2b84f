"""The reader's flows: loading, languages, search, refresh, links, adding a feed, the article.

Each is a widget that draws nothing (its workers and timers need a node of the DOM). The reader
screen calls the flow it owns; a flow never calls another flow or the screen: it changes its own
part of the `ReaderState` and posts messages (ui/messages.py) that bubble up to the screen."""
