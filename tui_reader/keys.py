"""The reader's binding ids and their default keys, for checking `[reader.keys]` without Textual.

The reader's widgets declare the same bindings: a test keeps the two in step, so a binding
added there is added here too. A remap names a
binding id and its keys, as Textual's keymaps do; an id that does not exist, a key that two of the
reader's actions would share, or an action whose every key another one took is a config error,
not a silent surprise in the reader.
"""

from __future__ import annotations

from collections.abc import Mapping

# The main screen: the app's bindings and the panes' (one key may mean one action only).
MAIN_KEYS: dict[str, str] = {
    "back": "q",
    "back_escape": "escape",
    "next_pane": "tab",
    "help": "question_mark",
    "next_unread": "n",
    "previous_unread": "p",
    "toggle_read": "m",
    "toggle_star": "s",
    "open_in_browser": "o",
    "copy_url": "y",
    "open_original": "O",
    "copy_original": "Y",
    "open_link": "l",
    **{f"open_link_{d}": str(d) for d in range(1, 10)},
    "search": "slash",
    "unread_only": "u",
    "language": "L",
    "refresh": "r",
    "refresh_all": "R",
    "cursor_down": "j,down",
    "cursor_up": "k,up",
    "top": "g,home",
    "bottom": "G,end",
    "page_down": "space,pagedown",
    "page_up": "b,pageup",
    "open": "enter",
    "info": "i",
    "toggle_published": "t",
}
# The help and info screens and the dialogs: their keys are their own while they are open.
HELP_KEYS: dict[str, str] = {"close_help": "escape,q,question_mark"}
INFO_KEYS: dict[str, str] = {"close_info": "escape,q,i"}
DIALOG_KEYS: dict[str, str] = {"cancel_dialog": "escape"}
SCOPES = (MAIN_KEYS, HELP_KEYS, INFO_KEYS, DIALOG_KEYS)
BINDING_IDS = frozenset().union(*SCOPES)


def split_keys(value: str) -> list[str]:
    return [key.strip() for key in value.split(",") if key.strip()]


def keymap_problem(keys: Mapping[str, str]) -> tuple[str, str] | None:
    """(binding id, what is expected) for the first problem of a `[reader.keys]` table."""
    for binding_id in keys:
        if binding_id not in BINDING_IDS:
            known = ", ".join(sorted(BINDING_IDS))
            return binding_id, f"a binding id of the reader (one of {known})"
    for scope in SCOPES:
        effective = {b: split_keys(keys.get(b, default)) for b, default in scope.items()}
        owner: dict[str, str] = {}
        for binding_id, bound in effective.items():
            for key in bound:
                other = owner.setdefault(key, binding_id)
                if other != binding_id:
                    remapped = binding_id if binding_id in keys else other
                    taken = other if remapped == binding_id else binding_id
                    left = " and would be left without a key" if effective[taken] == [key] else ""
                    return remapped, (
                        f"keys no other action uses ({key!r} is {taken}'s{left}; "
                        f"remap {taken} as well)"
                    )
    return None
