"""A contact block whose first row carries the block's margin label ("CONTACT")."""

from __future__ import annotations

from app.parsing.header_location import block_location


def test_margin_label_beside_the_place_is_no_second_item() -> None:
    block = ["Ana Lee, Controller", "CONTACT\tSingapore, SG", "ana@example.net | +65 8602 5274"]
    assert block_location(block, "Ana Lee") == "Singapore, SG"


def test_place_beside_another_item_is_still_not_a_lone_place() -> None:
    # "Controller <tab> Singapore, SG": a title beside the place, no label; left as it was.
    block = ["Ana Lee", "Controller\tSingapore, SG"]
    assert block_location(block, "Ana Lee") is None
