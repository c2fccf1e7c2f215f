"""The experiment wizard and the experiments screen (TUI side of issue 5)."""
