"""Development tools: demo seeding and benchmarks. Installed in dev, tests and CI; never needed in production."""
