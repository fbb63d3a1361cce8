"""The outbox: every mail the service sends, written in its recipient's language."""
