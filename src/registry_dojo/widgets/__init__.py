"""Interactive explorers for the notebooks, built on ipywidgets.

The reference explorer takes an image reference and shows its parts, its normalised and
familiar forms, the host that ``docker push`` contacts, and for an invalid reference the error
Docker prints and the rule that broke. The logic is the pure function
:func:`explain_reference` (in :mod:`registry_dojo.widgets.explain`), which is tested without a
kernel. The widget (:mod:`registry_dojo.widgets.explorer`) only displays its result and shows
any exception from its callback in its panel instead of raising it.
"""

from __future__ import annotations

from registry_dojo.widgets.explain import (
    Explanation,
    broken_rule,
    docker_error_message,
    explain_reference,
    normalization_notes,
)
from registry_dojo.widgets.explorer import ReferenceExplorer, reference_explorer

__all__ = [
    "Explanation",
    "ReferenceExplorer",
    "broken_rule",
    "docker_error_message",
    "explain_reference",
    "normalization_notes",
    "reference_explorer",
]
