"""Pages of the letter cascade, one module per area (letters, coverage, units, import, exchange)."""
