"""Self-contained widgets of the secplan app."""
