"""Sign-up, sign-in, sign-out, passwords and invitations."""
