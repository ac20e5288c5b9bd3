"""HQ reports: the mandate's tables (communications, responses, individuals, reprisals,
threats, consultations) by reporting period and group, from one aggregation layer that the
CLI and the HQ workspace both use; every output format renders the same JSON numbers."""

from .definitions import REPORTS, build_report
from .model import Report, ReportSpec
from .periods import Period, make_periods
from .source import CommunicationRow, ReportSource, StoreSource

__all__ = ["REPORTS", "CommunicationRow", "Period", "Report", "ReportSource", "ReportSpec",
           "StoreSource", "build_report", "make_periods"]
