"""The server name, port and security fields of a mail account, shared by the outgoing
(SMTP) and incoming (IMAP) mail panels, so both behave alike.

Choosing another security moves the port to that choice's usual one, but only when the port
was the previous choice's usual one: a port typed by hand stays.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from app.ui.sections.settings_form import FieldForm

SecurityChoice = tuple[str, str, int]  # value, label, the port it usually goes with


class ServerFields(QObject):
    """Adds the three fields to ``form``; ``switched`` follows a change of security."""

    switched = Signal()

    def __init__(
        self,
        form: FieldForm,
        server_label: str,
        placeholder: str,
        choices: tuple[SecurityChoice, ...],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._ports = {value: port for value, _label, port in choices}
        self.host = QLineEdit()
        self.host.setPlaceholderText(placeholder)
        form.add("host", server_label, self.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        form.add("port", "Port", self.port)
        self.security = QComboBox()
        for value, label, _port in choices:
            self.security.addItem(label, value)
        self._before = str(self.security.currentData())
        self.security.currentIndexChanged.connect(self._switched)
        form.add("security", "Security", self.security)

    def show_saved(self, host: str, port: int, security: str) -> None:
        """Show a saved account's values (its port as saved, whatever the security)."""
        self.host.setText(host)
        self.port.setValue(port)
        self.security.blockSignals(True)
        self.security.setCurrentIndex(max(self.security.findData(security), 0))
        self.security.blockSignals(False)
        self._before = str(self.security.currentData())

    def _switched(self, _index: int) -> None:
        new = str(self.security.currentData())
        if self.port.value() == self._ports.get(self._before):
            self.port.setValue(self._ports[new])
        self._before = new
        self.switched.emit()
