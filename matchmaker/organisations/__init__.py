"""Organisations: their profiles, registration numbers, demo data, import and export, deletion."""
