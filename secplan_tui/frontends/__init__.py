"""The two ways a person answers: the full-screen Textual app and plain mode (questionary, or plain lines)."""
