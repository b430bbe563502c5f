"""The participant's entry pages (namespace "entries"): the list, a new entry, the form step by
step with autosave and live rule findings, files, submission, the status page and receipt.
Intake's pages live in `intake_views`."""
