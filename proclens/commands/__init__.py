"""CLI sub-commands, one module each; proclens.cli registers every module's `command`."""
