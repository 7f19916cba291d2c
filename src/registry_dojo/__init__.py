"""registry-dojo: a hands-on course on container image registries.

The package's modules, one concept each:

- :mod:`registry_dojo.reference`: parse and normalise image references exactly as Docker does;
- :mod:`registry_dojo.registry`: a thin client for the Registry HTTP API v2;
- :mod:`registry_dojo.image`: build small valid OCI images in Python, with no Docker engine;
- :mod:`registry_dojo.lab`: start, find and stop the course's local registry;
- :mod:`registry_dojo.checks`: graders for the exercises, with feedback that says why;
- :mod:`registry_dojo.progress`: the learner's progress, kept in SQLite;
- :mod:`registry_dojo.widgets`: interactive explorers for the notebooks;
- :mod:`registry_dojo.exercises`: generate exercise notebooks from solution notebooks.
"""

from __future__ import annotations

__version__ = "0.1.0"
