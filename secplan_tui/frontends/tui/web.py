"""Whether the app runs in a browser: textual-serve starts it with Textual's web driver.

A module of its own, importing nothing, so the command line and the export dialog can both ask without importing
the app or each other.
"""

from __future__ import annotations

import os


def under_web_driver() -> bool:
    """Whether this process is the app textual-serve started for a browser (it sets Textual's web driver)."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
