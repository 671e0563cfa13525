"""Subcommands that open no screen; none of them imports Textual."""
