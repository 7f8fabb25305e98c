"""Chat notifications: one module per platform behind a common rate-limited, retrying,
spooled sender (at-least-once delivery with a stable de-duplication key)."""

from monitor.notify.config import NotifyConfig
from monitor.notify.models import Notice, Status
from monitor.notify.sender import SinkStats
from monitor.notify.service import NotifyService
from monitor.notify.testalert import send_test_alert

__all__ = ["Notice", "NotifyConfig", "NotifyService", "SinkStats", "Status", "send_test_alert"]
