"""Sync with a self-hosted aggregator (Tiny Tiny RSS): subscriptions, entries, read and starred.

`settings` is imported by the config and stays light; the engine and the back-ends (httpx) are
imported only when a sync runs.
"""
