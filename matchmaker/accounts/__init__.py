"""Accounts: users and their roles, passwords, API tokens, preferences and personal data (PIPA)."""
