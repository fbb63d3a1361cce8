"""Staff tools: the directory of organisations and accounts, background jobs, learning, imports."""
