"""The applicant flow log from a scripted hiring history: its columns, each applicant's
answers, highest stage (an undone move does not count), disposition, reason, date and the
hiring manager; and who may read it."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from app.services.compliance.flow_log import COLUMNS, flow_log, write_flow_log_csv
from app.services.compliance.qualifications import set_basic_qualifications
from app.services.core.roles import PermissionDenied
from app.store.database import Database
from app.store.enums import BasicQualifications
from tests.services.compliance.eeo_world import world

TODAY = dt.datetime.now(dt.UTC).date()


def test_the_log_holds_each_applicant_and_how_it_ended(database: Database) -> None:
    w = world(database)
    set_basic_qualifications(w.recruiter, w.applications["Ada"], BasicQualifications.MET)
    set_basic_qualifications(w.recruiter, w.applications["Chen"], BasicQualifications.NOT_MET)
    rows = {row.applicant_id: row for row in flow_log(w.compliance, TODAY, TODAY)}
    assert set(rows) == set(w.candidates.values())
    ada, brian = rows[w.candidates["Ada"]], rows[w.candidates["Brian"]]
    chen, dana = rows[w.candidates["Chen"]], rows[w.candidates["Dana"]]
    assert (ada.requisition, ada.job_title) == (w.job_id, "Backend Engineer")
    assert ada.eeo_job_category == "Professionals"
    assert (ada.date_received, ada.source) == (TODAY, "Referral")
    assert ada.hiring_manager == "Helen Hiring"
    assert (ada.sex, ada.race_ethnicity) == ("Female", "Hispanic or Latino")
    assert (ada.veteran, ada.disability) == (
        "Not a protected veteran",
        "No, I do not have a disability",
    )
    assert (ada.highest_stage, ada.disposition, ada.decided_on) == ("Hired", "Hired", TODAY)
    assert ada.basic_qualifications == "Yes"
    assert brian.race_ethnicity == "Native Hawaiian or Other Pacific Islander"
    assert (brian.veteran, brian.disability) == ("Protected veteran", "Yes, I have a disability")
    assert (brian.highest_stage, brian.disposition) == ("Interviewed", "Rejected")
    assert (brian.disposition_reason, brian.decided_on) == ("Not enough Go", TODAY)
    assert brian.basic_qualifications == "Unknown"
    # Chen's move to Offered was taken back: Screened is as far as he got.
    assert (chen.highest_stage, chen.disposition, chen.disposition_reason) == (
        "Screened", "Withdrew", ""
    )  # fmt: skip
    assert (chen.sex, chen.race_ethnicity) == ("Declined to answer", "Declined to answer")
    assert chen.basic_qualifications == "No"
    assert (dana.sex, dana.race_ethnicity, dana.veteran) == ("Not provided",) * 3
    assert (dana.highest_stage, dana.disposition, dana.decided_on) == (
        "Applied",
        "In process",
        None,
    )


def test_the_csv_has_the_columns_and_one_line_per_applicant(database: Database) -> None:
    w = world(database)
    out = io.StringIO()
    count = write_flow_log_csv(flow_log(w.compliance, TODAY, TODAY, w.job_id), out)
    lines = out.getvalue().splitlines()
    assert count == 4 and len(lines) == 5
    assert lines[0].split(",") == list(COLUMNS)
    assert len(COLUMNS) == 16


def test_the_period_and_the_job_narrow_the_log(database: Database) -> None:
    w = world(database)
    yesterday = TODAY - dt.timedelta(days=1)
    assert flow_log(w.compliance, yesterday, yesterday) == []
    assert flow_log(w.compliance, TODAY, TODAY, job_id=w.job_id + 1) == []


def test_only_compliance_reads_the_log(database: Database) -> None:
    w = world(database)
    for ctx in (w.recruiter, w.admin):
        with pytest.raises(PermissionDenied, match="see EEO answers"):
            flow_log(ctx, TODAY, TODAY)
