"""Background work takes plain values, never the widget that started it (see
`tests.architecture.background_work`)."""

from __future__ import annotations

import textwrap

from tests.architecture.background_work import violations, widget_holding_work


def test_no_work_given_to_a_worker_holds_a_widget() -> None:
    assert violations() == []


def test_work_reading_self_or_a_bound_method_is_caught() -> None:
    source = textwrap.dedent(
        """
        class Panel:
            def reload(self):
                services, text = self.services, self.search.text()
                self.ops.query("list", lambda: list_clients(services, text), self._show, self._f)
                self.ops.query("detail", lambda: get(self.services, 1), self._show, self._f)
                self.ops.write("save", self.save_now, self._done, self._f, self._publish)
                run_in_background(self, lambda: count(self.services), self._n, self._f)
        """
    )
    caught = widget_holding_work(source)
    assert [line for line, _ in caught] == [6, 7, 8]
    assert "self.services" in caught[0][1] and caught[1][1] == "self.save_now"
