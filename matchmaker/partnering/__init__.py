"""Partnering days: visitors meet invited startups in a slot grid.

The scheduling core (`problem`, `greedy`, `solver`, `check`) is pure: numpy and OR-Tools only,
no flask, sqlalchemy or other matchmaker module, so it can be tested and benchmarked on its own.
"""
