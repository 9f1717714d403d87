"""The card delegate keeps each card's picture: a repaint of an unchanged card draws the kept
picture, and anything the card shows (its text, its days in stage and SLA flag, selection,
size) paints it anew."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from app.services.pipeline.board import Card
from app.ui.board import delegate as delegate_module
from app.ui.board.delegate import CardDelegate
from app.ui.board.model import CARD_ROLE, SLA_ROLE
from app.ui.theme import DARK, LIGHT

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)


def a_card(**changes: object) -> Card:
    card = Card(
        application_id=1,
        candidate_id=2,
        job_id=3,
        stage_id=4,
        name="Dana Whitfield",
        current_title="Data Engineer",
        current_employer="Northwind",
        stage_entered_at=NOW - dt.timedelta(days=3),
        rating=None,
        source="Referral",
        board_position=1.0,
        version=1,
        rejection_reason=None,
        tags=("python", "remote"),
    )
    return dataclasses.replace(card, **changes)


class Painted:
    """A delegate over a one-row model, painting into an image; counts the cards drawn."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, palette=LIGHT) -> None:
        self.delegate = CardDelegate(palette)
        self.delegate.now = NOW
        self.model = QStandardItemModel()
        self.item = QStandardItem()
        self.model.appendRow(self.item)
        self.drawn = 0
        original = CardDelegate._paint_card

        def counted(delegate, *args):
            self.drawn += 1
            return original(delegate, *args)

        monkeypatch.setattr(CardDelegate, "_paint_card", counted)

    def paint(
        self, card: Card, sla: int | None = None, width: int = 240, selected: bool = False
    ) -> QImage:
        self.item.setData(card, CARD_ROLE)
        self.item.setData(sla, SLA_ROLE)
        image = QImage(width + 20, 120, QImage.Format.Format_ARGB32)
        image.fill(QColor("#808080"))
        option = QStyleOptionViewItem()
        option.rect = QRect(10, 10, width, 92)
        if selected:
            option.state |= QStyle.StateFlag.State_Selected
        painter = QPainter(image)
        self.delegate.paint(painter, option, self.model.index(0, 0))
        painter.end()
        return image


def test_an_unchanged_card_is_drawn_once_and_looks_the_same(
    qapp, monkeypatch: pytest.MonkeyPatch
) -> None:
    painted = Painted(monkeypatch)
    first = painted.paint(a_card())
    again = painted.paint(a_card())  # an equal card, as a reloaded board holds
    assert painted.drawn == 1
    assert again == first
    # The card was drawn where the view asked, over what was there: the corner outside the
    # rounded box keeps the background, its middle is the card's colour.
    assert first.pixelColor(10, 10) == QColor("#808080")
    assert first.pixelColor(130, 56) != QColor("#808080")


@pytest.mark.parametrize(
    "change",
    [
        {"card": a_card(name="Dana Whitfield-Ray")},
        {"card": a_card(current_title="Staff Data Engineer")},
        {"card": a_card(tags=("python",))},
        {"card": a_card(submittal="interested")},
        {"card": a_card(score=4.2, score_count=3)},
        {"card": a_card(rejection_reason="Skills mismatch")},
        {"card": a_card(stage_entered_at=NOW - dt.timedelta(days=4))},  # days in stage
        {"card": a_card(), "sla": 2},  # past its stage's SLA: flagged
        {"card": a_card(), "selected": True},
        {"card": a_card(), "width": 300},
    ],
)
def test_anything_a_card_shows_draws_it_anew(
    qapp, monkeypatch: pytest.MonkeyPatch, change: dict
) -> None:
    painted = Painted(monkeypatch)
    before = painted.paint(a_card())
    after = painted.paint(**change)
    assert painted.drawn == 2
    assert after != before


def test_the_kept_pictures_are_bounded(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delegate_module, "CARD_CACHE_SIZE", 3)
    painted = Painted(monkeypatch)
    for n in range(5):
        painted.paint(a_card(name=f"Person {n}"))
    assert len(painted.delegate._cards) == 3
    painted.paint(a_card(name="Person 4"))  # the most recent is still kept
    assert painted.drawn == 5
    painted.paint(a_card(name="Person 0"))  # the least recent was let go
    assert painted.drawn == 6


def test_each_theme_paints_its_own_cards(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    light = Painted(monkeypatch, LIGHT).paint(a_card())
    dark = Painted(monkeypatch, DARK).paint(a_card())
    assert light.pixelColor(130, 56) != dark.pixelColor(130, 56)
    assert light.pixelColor(130, 56) == QColor(LIGHT.card)
