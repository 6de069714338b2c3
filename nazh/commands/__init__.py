"""Command handlers shared by slash commands, prefix commands and components."""
