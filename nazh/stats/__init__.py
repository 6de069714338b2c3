"""Statistics and odds for people: fairness tests, embeds, charts, and off-loop workers."""
