"""atlas: a terminal workbench for owning an ML product on Google Cloud."""

__version__ = "0.1.0"
