"""Saved rolls: the rules for names and texts, the table a roll resolves names through, and
the export file format. Storage is `nazh.storage.saved`; commands are `nazh.commands.rolls`."""
