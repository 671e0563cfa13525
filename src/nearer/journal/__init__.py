"""The journal: what you did and wrote together, in a private SQLite file, exportable as text."""
