"""Forms of the participant's entry pages: the steps of an entry, files, withdrawal."""
