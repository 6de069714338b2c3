"""Nazh's lightbulb extensions, loaded by module name (``plugins.roll``, ``plugins.admin``, ...)."""
