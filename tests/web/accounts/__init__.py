"""Web pages of accounts: sign-up, sign-in, passwords, sessions, roles, personal data."""
