"""Domain services: the only layer that touches both the database and the engine; owns transactions."""
