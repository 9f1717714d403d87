"""The Clients section over the demo database: the list, search, the detail's contacts, the
contact dialog, archiving, and the job dialog's hiring manager and interviewers."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.services.core.context import ServiceContext
from app.services.pipeline.clients import ClientInput, get_client, list_clients, update_client
from app.services.pipeline.contacts import (
    ContactInput,
    create_contact,
    list_contacts,
    update_contact,
)
from app.services.pipeline.jobs import get_job, list_jobs
from app.ui.dialogs.contact_editor import ContactDialog
from app.ui.dialogs.job_editor import EditJobDialog
from app.ui.main_window import MainWindow
from app.ui.sections.clients import ROW_ROLE, ClientsSection


def _section(window: MainWindow, qtbot) -> ClientsSection:
    window.show_section("clients")
    section = window.section("clients")
    qtbot.waitUntil(lambda: section.model.rowCount() > 0 and section.detail is not None)
    return section


def _save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_lists_every_client_with_its_counts(window: MainWindow, qtbot, demo_ctx) -> None:
    section = _section(window, qtbot)
    clients = list_clients(demo_ctx)
    model = section.model
    assert model.rowCount() == len(clients)
    assert model.COLUMNS == ("Name", "Open jobs", "Contacts", "Hires", "Last activity")
    first = model.index(0, 0).data(ROW_ROLE)
    assert model.index(0, 0).data() == first.name == clients[0].name
    assert model.index(0, 1).data() == str(clients[0].open_jobs)
    assert model.index(0, 2).data() == "3"
    assert model.index(0, 4).data() != "—"  # the demo's jobs were audited
    assert f"{len(clients)} clients" in section.header.subtitle.text()


def test_search_filters_the_list(window: MainWindow, qtbot, demo_ctx) -> None:
    section = _section(window, qtbot)
    target = list_clients(demo_ctx)[-1]
    section.search.setText(target.name.upper())
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)
    assert section.model.index(0, 0).data() == target.name
    qtbot.waitUntil(lambda: section.detail is not None and section.detail.id == target.id)
    section.search.setText("zzz-no-such-client")
    qtbot.waitUntil(lambda: section.model.rowCount() == 0)
    assert section.detail is None and "0 clients found" in section.header.subtitle.text()


def test_detail_shows_the_clients_jobs_contacts_and_activity(
    window: MainWindow, qtbot, demo_ctx
) -> None:
    section = _section(window, qtbot)
    client = section.model.index(0, 0).data(ROW_ROLE)
    qtbot.waitUntil(lambda: section.detail is not None and section.detail.id == client.id)
    assert section.detail_title.text() == client.name
    names = [c.name for c in list_contacts(demo_ctx, client.id)]
    shown = [
        section.contacts_model.index(row, 0).data()
        for row in range(section.contacts_model.rowCount())
    ]
    assert shown == names and len(names) == 3
    jobs = [job for job in list_jobs(demo_ctx) if job.client_id == client.id]
    assert section.jobs_model.rowCount() == len(jobs) > 0
    assert section.jobs_model.index(0, 3).data() in names  # the hiring manager
    assert section.activity_model.rowCount() == 0  # the demo's rows were not written one by one
    contact = list_contacts(demo_ctx, client.id)[0]
    changed = update_contact(demo_ctx, contact.id, replace(contact.as_input(), title="CFO"))
    section.on_changes(changed.changes)
    qtbot.waitUntil(lambda: section.activity_model.rowCount() == 1)
    assert section.activity_model.index(0, 1).data() == "Contact edited"
    assert section.activity_model.index(0, 2).data() == contact.name
    assert section.activity_model.index(0, 3).data() == "tester"


def test_add_contact_dialog_creates_a_contact(window: MainWindow, qtbot, demo_ctx) -> None:
    section = _section(window, qtbot)
    client_id = section.detail.id
    dialog = ContactDialog(demo_ctx, client_id, parent=section)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.first_name.hasFocus)  # typing starts in the first field
    _save(dialog)
    assert dialog.error_text("first_name") == "First name is required."
    dialog.first_name.setText("Ada")
    dialog.last_name.setText("Lovelace")
    dialog.emails.setPlainText("ada@example.com\nnot an address")
    _save(dialog)
    assert "valid email" in dialog.error_text("emails")
    assert len(list_contacts(demo_ctx, client_id)) == 3  # nothing written
    dialog.emails.setPlainText("ADA@example.com")
    dialog.phones.setPlainText("+44 20 7946 0018")
    dialog.hiring_manager.setChecked(True)
    _save(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    section.changes_made.emit(dialog.all_changes())
    qtbot.waitUntil(lambda: section.contacts_model.rowCount() == 4)
    (ada,) = [c for c in list_contacts(demo_ctx, client_id) if c.first_name == "Ada"]
    assert (ada.emails, ada.phones, ada.is_hiring_manager) == (
        ("ada@example.com",),
        ("+44 20 7946 0018",),
        True,
    )


def test_archive_button_archives_the_selected_contact(window: MainWindow, qtbot, demo_ctx) -> None:
    section = _section(window, qtbot)
    client_id = section.detail.id
    assert not section.archive_contact_button.isEnabled()
    section.contacts_table.selectRow(1)
    contact = section.selected_contact()
    assert section.archive_contact_button.text() == "Archive"
    section.archive_contact_button.click()
    qtbot.waitUntil(
        lambda: any(c.id == contact.id and c.archived for c in list_contacts(demo_ctx, client_id))
    )
    qtbot.waitUntil(lambda: "(archived)" in section.contacts_model.index(2, 0).data())
    qtbot.waitUntil(lambda: section.model.index(0, 2).data() == "2")


def test_job_dialog_sets_the_hiring_manager_and_interviewers(
    qtbot, demo_ctx: ServiceContext
) -> None:
    job = list_jobs(demo_ctx)[0]
    before = get_job(demo_ctx, job.id)
    new = create_contact(demo_ctx, before.client_id, ContactInput("Ada", "Lovelace")).value
    dialog = EditJobDialog(demo_ctx, job.id)
    qtbot.addWidget(dialog)
    assert dialog.hiring_manager.currentData() == before.people.hiring_manager_id
    offered = [dialog.hiring_manager.itemData(i) for i in range(dialog.hiring_manager.count())]
    assert offered[0] is None and new in offered and len(offered) == 5
    dialog.hiring_manager.setCurrentIndex(dialog.hiring_manager.findData(new))
    items = [dialog.interviewers.item(i) for i in range(dialog.interviewers.count())]
    for item in items:
        chosen = item.data(Qt.ItemDataRole.UserRole) == new
        item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
    _save(dialog)
    after = get_job(demo_ctx, job.id)
    assert after.people.hiring_manager_id == new and after.people.interviewer_ids == (new,)
    assert (after.hiring_manager, after.interviewers) == ("Ada Lovelace", ("Ada Lovelace",))


def test_job_dialog_offers_no_archived_contact(qtbot, demo_ctx: ServiceContext) -> None:
    from app.services.pipeline.contacts import archive_contact

    job = list_jobs(demo_ctx)[0]
    detail = get_job(demo_ctx, job.id)
    hr = next(
        c
        for c in list_contacts(demo_ctx, detail.client_id)
        if c.id != detail.people.hiring_manager_id and c.id not in detail.people.interviewer_ids
    )
    archive_contact(demo_ctx, hr.id)
    archive_contact(demo_ctx, detail.people.hiring_manager_id)
    dialog = EditJobDialog(demo_ctx, job.id)
    qtbot.addWidget(dialog)
    offered = [dialog.hiring_manager.itemData(i) for i in range(dialog.hiring_manager.count())]
    assert hr.id not in offered
    assert detail.people.hiring_manager_id in offered  # still on the job, so still shown
    assert "(archived)" in dialog.hiring_manager.currentText()


def test_job_board_heading_names_the_hiring_manager_and_interviewers(
    window: MainWindow, qtbot, demo_ctx: ServiceContext
) -> None:
    job = list_jobs(demo_ctx)[0]
    detail = get_job(demo_ctx, job.id)
    window.open_job_board(job.id)
    header = window.sections["job_board"].header  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Hiring manager:" in header.subtitle.text(), timeout=5000)
    heading = header.subtitle.text()
    assert f"Hiring manager: {detail.hiring_manager}" in heading
    assert "Interviewers: " + ", ".join(detail.interviewers) in heading


def test_choosing_another_client_offers_its_contacts(qtbot, demo_ctx: ServiceContext) -> None:
    job = list_jobs(demo_ctx)[0]
    detail = get_job(demo_ctx, job.id)
    other = next(c for c in list_clients(demo_ctx) if c.id != detail.client_id)
    dialog = EditJobDialog(demo_ctx, job.id)
    qtbot.addWidget(dialog)
    dialog.client.setCurrentIndex(dialog.client.findData(other.id))
    offered = {dialog.hiring_manager.itemData(i) for i in range(dialog.hiring_manager.count())}
    assert offered == {None} | {c.id for c in list_contacts(demo_ctx, other.id)}
    assert dialog.people().hiring_manager_id is None  # the old client's manager is not kept
    assert dialog.interviewers.count() == 3 and dialog.people().interviewer_ids == ()


def test_the_detail_shows_the_clients_notes(window: MainWindow, qtbot, demo_ctx) -> None:
    section = _section(window, qtbot)
    client = section.model.index(0, 0).data(ROW_ROLE)
    qtbot.waitUntil(lambda: section.detail is not None and section.detail.id == client.id)
    tabs = [section.tabs.tabText(n) for n in range(section.tabs.count())]
    assert tabs[-1] == "Notes" and section.notes.isReadOnly()
    detail = get_client(demo_ctx, client.id)
    data = ClientInput(detail.name, detail.industry, detail.website, detail.phone, detail.location)
    changed = update_client(demo_ctx, client.id, replace(data, notes="Pays on net 30."))
    section.on_changes(changed.changes)
    qtbot.waitUntil(lambda: section.notes.toPlainText() == "Pays on net 30.")
