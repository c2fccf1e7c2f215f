"""The synthetic catalog behind benchmarks/generate.py.

shape: the kind mix and names; topology: components and their dependencies; signals:
the signal templates; render: the TOML files and runbooks; tomltext: TOML literals.
"""
