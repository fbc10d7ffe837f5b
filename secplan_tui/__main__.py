"""Run the secplan command with ``python -m secplan_tui``."""

from secplan_tui.cli.main import main

raise SystemExit(main())
