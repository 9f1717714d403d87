"""The stored enums: plain Python, no SQLAlchemy.

The ORM (`app.store.models`, `app.store.engagement`) maps columns to them; the GUI, which never
imports the ORM, compares and lists their values from here.
"""

from __future__ import annotations

import enum


class JobStatus(enum.StrEnum):
    OPEN = "open"
    ON_HOLD = "on_hold"
    FILLED = "filled"
    CLOSED = "closed"


class StageKind(enum.StrEnum):
    """What a stage means for reporting: active steps, the hire, or a terminal exit."""

    ACTIVE = "active"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ActivityKind(enum.StrEnum):
    NOTE = "note"
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    STAGE_CHANGE = "stage_change"
    TASK = "task"  # a follow-up marked done (migration 0014)
    SUBMITTAL = "submittal"  # sent to a client, or the client's answer (migration 0019)
    OFFER = "offer"  # an offer extended, edited or decided (migration 0020)
    PLACEMENT = "placement"  # a hire recorded, edited or taken back (migration 0020)


class Consent(enum.StrEnum):
    UNKNOWN = "unknown"
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class SmtpSecurity(enum.StrEnum):
    STARTTLS = "starttls"
    SSL = "ssl"  # implicit TLS, usually port 465
    NONE = "none"  # a relay on the local machine or network only


class MessageState(enum.StrEnum):
    """An outbox message's life: queued → sending → sent | failed | cancelled.

    ``unknown`` is a message found in ``sending`` after a crash: it may or may not have reached
    the server, so it is never resent without the user deciding.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class CampaignKind(enum.StrEnum):
    ONE_OFF = "one_off"  # a single email from a profile
    BULK = "bulk"  # one template to a selection, pool or search result
    SEQUENCE = "sequence"  # ordered steps with delays


class CampaignStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    FINISHED = "finished"


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"  # a reply, an unsubscribe, a stage change or by hand: see stop_reason
    FINISHED = "finished"  # every step sent


class SubmittalStatus(enum.StrEnum):
    """Where a client stands on a candidate sent to them (migration 0019)."""

    SUBMITTED = "submitted"  # sent, no answer yet
    INTERESTED = "interested"
    INTERVIEW_REQUESTED = "interview_requested"
    DECLINED = "declined"


class OfferStatus(enum.StrEnum):
    """An offer's life: extended, then accepted, declined or withdrawn (migration 0020)."""

    EXTENDED = "extended"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class PayBasis(enum.StrEnum):
    """What an offer's amount is: a yearly salary or a rate per hour or per day."""

    SALARY = "salary"
    HOURLY = "hourly"
    DAILY = "daily"


class PlacementType(enum.StrEnum):
    PERMANENT = "permanent"
    CONTRACT = "contract"
    CONTRACT_TO_HIRE = "contract_to_hire"


class RateUnit(enum.StrEnum):
    """What a contract's bill and pay rates are per."""

    HOUR = "hour"
    DAY = "day"


class FeeKind(enum.StrEnum):
    """How the agency's placement fee is set: a percentage of the salary, a fixed amount, or
    none (a contract earns its margin instead)."""

    PERCENT = "percent"
    FIXED = "fixed"
    NONE = "none"


class InterviewStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Recommendation(enum.StrEnum):
    """An interviewer's overall verdict, worst first."""

    STRONG_NO = "strong_no"
    NO = "no"
    YES = "yes"
    STRONG_YES = "strong_yes"


class EeoJobCategory(enum.StrEnum):
    """The EEO-1 job categories a requisition is reported under (migration 0025)."""

    EXECUTIVES = "executives"
    MANAGERS = "managers"
    PROFESSIONALS = "professionals"
    TECHNICIANS = "technicians"
    SALES = "sales"
    ADMINISTRATIVE = "administrative"
    CRAFT = "craft"
    OPERATIVES = "operatives"
    LABORERS = "laborers"
    SERVICE = "service"


EEO_JOB_CATEGORY_LABELS: dict[EeoJobCategory, str] = {
    EeoJobCategory.EXECUTIVES: "Executive/Senior Officials and Managers",
    EeoJobCategory.MANAGERS: "First/Mid-Level Officials and Managers",
    EeoJobCategory.PROFESSIONALS: "Professionals",
    EeoJobCategory.TECHNICIANS: "Technicians",
    EeoJobCategory.SALES: "Sales Workers",
    EeoJobCategory.ADMINISTRATIVE: "Administrative Support Workers",
    EeoJobCategory.CRAFT: "Craft Workers",
    EeoJobCategory.OPERATIVES: "Operatives",
    EeoJobCategory.LABORERS: "Laborers and Helpers",
    EeoJobCategory.SERVICE: "Service Workers",
}


class BasicQualifications(enum.StrEnum):
    """Whether an applicant meets the job's basic qualifications (the flow log reports it)."""

    UNKNOWN = "unknown"
    MET = "met"
    NOT_MET = "not_met"


# Voluntary self-identification (migration 0025): the EEO-1 questions, each of which the
# applicant may decline to answer. Kept only in ``eeo_answers``, read only as aggregates.
class HispanicLatino(enum.StrEnum):
    YES = "yes"
    NO = "no"
    DECLINED = "declined"


class Race(enum.StrEnum):
    HISPANIC_LATINO = "hispanic_latino"
    WHITE = "white"
    BLACK = "black"
    PACIFIC_ISLANDER = "pacific_islander"
    ASIAN = "asian"
    NATIVE_AMERICAN = "native_american"
    TWO_OR_MORE = "two_or_more"
    DECLINED = "declined"


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    DECLINED = "declined"


class VeteranStatus(enum.StrEnum):
    PROTECTED = "protected"
    NOT_PROTECTED = "not_protected"
    DECLINED = "declined"


class DisabilityStatus(enum.StrEnum):
    YES = "yes"
    NO = "no"
    DECLINED = "declined"


# Labels per question: the enums' values overlap ("yes", "declined"), so one dict would not do.
EEO_LABELS: dict[type[enum.StrEnum], dict[str, str]] = {
    HispanicLatino: {
        HispanicLatino.YES: "Yes, Hispanic or Latino",
        HispanicLatino.NO: "No, not Hispanic or Latino",
        HispanicLatino.DECLINED: "Decline to answer",
    },
    Race: {
        Race.HISPANIC_LATINO: "Hispanic or Latino",
        Race.WHITE: "White",
        Race.BLACK: "Black or African American",
        Race.PACIFIC_ISLANDER: "Native Hawaiian or Other Pacific Islander",
        Race.ASIAN: "Asian",
        Race.NATIVE_AMERICAN: "American Indian or Alaska Native",
        Race.TWO_OR_MORE: "Two or More Races",
        Race.DECLINED: "Decline to answer",
    },
    Sex: {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.DECLINED: "Decline to answer"},
    VeteranStatus: {
        VeteranStatus.PROTECTED: "Protected veteran",
        VeteranStatus.NOT_PROTECTED: "Not a protected veteran",
        VeteranStatus.DECLINED: "Decline to answer",
    },
    DisabilityStatus: {
        DisabilityStatus.YES: "Yes, I have a disability",
        DisabilityStatus.NO: "No, I do not have a disability",
        DisabilityStatus.DECLINED: "Decline to answer",
    },
}


class MailboxKind(enum.StrEnum):
    """What a message read from the agency's inbox turned out to be (migration 0022)."""

    APPLICATION = "application"  # resumes attached: through intake
    REPLY = "reply"  # an answer to something we sent, or from a known person
    AUTO_REPLY = "auto_reply"  # out of office and the like: recorded, stops nothing
    UNSUBSCRIBE = "unsubscribe"  # a request by mail to hear no more
    BOUNCE = "bounce"  # a delivery status notification
    UNKNOWN = "unknown"  # no attachment, unknown sender: a person decides


class MailboxState(enum.StrEnum):
    """Where a message read from the inbox stands (migration 0022)."""

    HANDLED = "handled"  # recorded or imported
    PENDING = "pending"  # waiting for a person's decision
    DISMISSED = "dismissed"  # a person decided it is nothing for the CRM
    FAILED = "failed"  # could not be handled (said in its detail); not tried again


class AfterImport(enum.StrEnum):
    """What happens on the server to a message once handled (migration 0022)."""

    MOVE = "move"  # moved to the processed folder
    FLAG = "flag"  # flagged and left where it is


class CheckKind(enum.StrEnum):
    """An onboarding check a hire brings (migration 0023)."""

    I9_SECTION1 = "i9_section1"
    I9_SECTION2 = "i9_section2"
    BACKGROUND = "background"


class CheckStatus(enum.StrEnum):
    """Where an onboarding check stands. An I-9 section is open or done; a background check
    goes requested → in progress → clear, or consider → pre-adverse-action notice sent →
    adverse action (or clear)."""

    OPEN = "open"
    DONE = "done"
    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"
    CLEAR = "clear"
    CONSIDER = "consider"
    PRE_ADVERSE_SENT = "pre_adverse_sent"
    ADVERSE_ACTION = "adverse_action"
