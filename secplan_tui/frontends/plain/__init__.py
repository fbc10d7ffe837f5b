"""Plain mode (``secplan ask``): questionary prompts on a terminal, plain text lines anywhere else."""
