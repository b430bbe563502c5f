"""The cascade API: units, letters, deliveries, coverage and import (one router per module)."""
