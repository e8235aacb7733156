"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from app.models.audit import AuditEntry
from app.models.authorisation import (
    Application,
    ApplicationSection,
    ApplicationStatus,
    AuthorisationDecision,
    DecisionOutcome,
)
from app.models.calendar import ExtraBankHoliday
from app.models.case import AssociatedRelationship, Case, CaseState, Person, PersonKind, RiskLevel
from app.models.court import (
    Breach,
    BreachOutcome,
    BreachSource,
    BundleTick,
    CourtSubmission,
    Document,
    Hearing,
    HearingOutcome,
    OrderEvent,
    OrderEventKind,
    OrderStatus,
    ProtectionOrder,
    Remand,
    RemandKind,
)
from app.models.dapo import ComplianceReport, ComplianceReview, ElectronicMonitoring, OrderRequirement
from app.models.dapo_records import BreachCriminalStep, OrderNotification
from app.models.device import DevicePosition, WorkDevice
from app.models.email import EmailKind, EmailStatus, OutgoingEmail
from app.models.geofence import Geofence, GeofenceCell
from app.models.handover import CaseHandover
from app.models.identity import (
    MatchDecision,
    PersonIdentity,
    PersonIdentityLink,
    PersonMatchDecision,
    PersonMatchKey,
)
from app.models.message import MessageStatus, OutboxRecord, TextCadenceVersion, TextMessage, TextPlanVersion, TextTemplate
from app.models.order_records import HearingNotice, OrderService, VictimToldOfOrder
from app.models.order_sought import OrderSought
from app.models.referral import (
    ConcernStatus,
    ContactAttempt,
    Referral,
    ReferralConcern,
    ReferralStatus,
    SupportService,
)
from app.models.system import SchedulerHeartbeat
from app.models.throttle import LoginThrottle
from app.models.trial import AllocationError, DapoTexts, EnrolmentStatus, TrialAllocation, TrialEnrolment, TrialSwitch
from app.models.user import Role, User
from app.models.welfare import (
    AlertClosedReason,
    GeofenceAlert,
    PushSubscription,
    VisitEventKind,
    WelfareVisit,
    WelfareVisitEvent,
)

__all__ = [
    "Breach", "BreachOutcome", "BreachSource", "BundleTick", "CourtSubmission", "Document", "Hearing", "HearingOutcome",
    "OrderEvent", "OrderEventKind", "OrderStatus", "ProtectionOrder", "Remand", "RemandKind",
    "Application", "ApplicationSection", "ApplicationStatus", "AuthorisationDecision", "DecisionOutcome",
    "AssociatedRelationship", "AuditEntry", "Case", "CaseState", "ExtraBankHoliday", "LoginThrottle", "Person",
    "PersonKind", "RiskLevel", "Role", "SchedulerHeartbeat", "User",
    "MessageStatus", "OutboxRecord", "TextCadenceVersion", "TextMessage", "TextPlanVersion", "TextTemplate",
    "ConcernStatus", "ContactAttempt", "Referral", "ReferralConcern", "ReferralStatus", "SupportService",
    "AllocationError", "DapoTexts", "EnrolmentStatus", "TrialAllocation", "TrialEnrolment", "TrialSwitch",
    "HearingNotice", "OrderService", "OrderSought", "VictimToldOfOrder",
    "BreachCriminalStep", "OrderNotification", "EmailKind", "EmailStatus", "OutgoingEmail", "CaseHandover",
    "MatchDecision", "PersonIdentity", "PersonIdentityLink", "PersonMatchDecision", "PersonMatchKey",
    "ComplianceReport", "ComplianceReview", "ElectronicMonitoring", "OrderRequirement",
    "DevicePosition", "WorkDevice",
    "Geofence", "GeofenceCell",
    "AlertClosedReason", "GeofenceAlert", "PushSubscription", "VisitEventKind", "WelfareVisit", "WelfareVisitEvent",
]
