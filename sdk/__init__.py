"""rerun: a fast re-implementation of the Rerun v0.4 Python logging SDK."""
