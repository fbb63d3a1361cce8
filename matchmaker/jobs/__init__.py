"""Background jobs: the queue (RQ on Redis, or inline), the registry of jobs by name, the jobs themselves."""
