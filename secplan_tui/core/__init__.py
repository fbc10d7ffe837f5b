"""The questionnaire core: the model, conditions, reading and checking questionnaire files, the flow of
questions, the catalogue of bundled files, errors and text cleaning. Imports nothing of the layers above."""
