"""Forms of the cascade pages, one module per area."""
