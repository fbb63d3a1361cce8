"""Web security: the authorization matrix, bad input, hosts, headers, throttling, error pages."""
