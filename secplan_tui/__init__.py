"""secplan: guided security planning for small and medium organisations, in the terminal."""

__version__ = "0.1.0"
