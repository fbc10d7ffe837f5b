"""The screens of the secplan app: home, questions, review, plan, help."""
