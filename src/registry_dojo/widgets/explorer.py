"""The reference explorer: a text box and an HTML panel that explains what is typed."""

from __future__ import annotations

import html
import logging
from typing import Any

import ipywidgets

from registry_dojo.widgets import explain
from registry_dojo.widgets.explain import Explanation

logger = logging.getLogger(__name__)


class ReferenceExplorer:
    """A text box for a reference and an HTML panel that explains it as you type.

    Display the explorer as the last expression of a cell. Setting ``explorer.input.value``
    (or calling :meth:`explain`) updates ``explorer.output.value`` and ``explorer.explanation``.
    """

    def __init__(self, value: str = "nginx") -> None:
        self.input: Any = ipywidgets.Text(
            value="",
            description="Reference:",
            placeholder="for example myacr.azurecr.io/team/app:1.2.3",
            continuous_update=True,
            layout=ipywidgets.Layout(width="60em"),
        )
        self.output: Any = ipywidgets.HTML()
        self.explanation: Explanation | None = None
        self.box: Any = ipywidgets.VBox([self.input, self.output])
        self.input.observe(self._on_change, names="value")
        self.explain(value)

    def explain(self, text: str) -> None:
        """Show the explanation of `text`, as if the learner had typed it."""
        if self.input.value == text:
            self._update(text)
        else:
            self.input.value = text

    def _on_change(self, change: dict[str, Any]) -> None:
        self._update(str(change["new"]))

    def _update(self, text: str) -> None:
        # A callback exception would be hidden by ipywidgets, so show it in the panel instead.
        try:
            self.explanation = explain.explain_reference(text)
            self.output.value = self.explanation.html_report()
        except Exception as error:
            logger.exception("reference explorer failed on %r", text)
            self.explanation = None
            self.output.value = (
                "<p style='color:#b71c1c'>The explorer failed on this input: "
                f"{html.escape(type(error).__name__)}: {html.escape(str(error))}</p>"
            )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)


def reference_explorer(value: str = "nginx") -> ReferenceExplorer:
    """Create a reference explorer that starts with `value`."""
    return ReferenceExplorer(value)
