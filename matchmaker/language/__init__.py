"""Korean and English as text: particles, romanisation and which language a text is written in.

Pure functions (no Flask, no database), so the interface, the mail and the jobs can all call them.
"""
