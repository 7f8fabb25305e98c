"""`dlmon report`: recorded ticks -> an HTML report with PNG charts and a daily CSV."""
