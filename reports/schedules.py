"""Periodic jobs kept in the database (django-celery-beat's DatabaseScheduler); idempotent setup."""

import datetime

from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

TIME_ZONE = "Asia/Ho_Chi_Minh"

# name → (task, crontab fields, interval minutes or a timedelta, description)
SCHEDULES = {
    "reports: báo cáo toàn tỉnh hằng tuần (thứ Hai 07:00)": (
        "reports.tasks.weekly_province_report",
        {"minute": "0", "hour": "7", "day_of_week": "1", "day_of_month": "*", "month_of_year": "*"},
        "Lập báo cáo tình hình thực hiện toàn tỉnh (PDF) để lãnh đạo xem.",
    ),
    "reports: nhắc hạn hằng ngày (06:30)": (
        "reports.tasks.send_deadline_reminders",
        {"minute": "30", "hour": "6", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "Nhắc các đơn vị còn nợ: trước hạn 7 ngày, 1 ngày và khi quá hạn (mỗi lần một lượt).",
    ),
    "reports: báo cáo treo quá thời gian (10 phút)": (
        "reports.tasks.fail_stuck_reports",
        10,
        "Đánh dấu lỗi các báo cáo ở trạng thái đang lập quá thời gian cho phép.",
    ),
    "reports: lập lại báo cáo mất tiến trình (30 giây)": (
        "reports.tasks.requeue_stalled_reports",
        datetime.timedelta(seconds=30),
        "Đưa lại vào hàng đợi các báo cáo đang lập mà tiến trình đã dừng (không còn tín hiệu sống).",
    ),
    "reports: gửi lại báo cáo còn chờ (2 phút)": (
        "reports.tasks.requeue_waiting_reports",
        2,
        "Gửi lại vào hàng đợi các báo cáo còn chờ (khi yêu cầu, hàng đợi không hoạt động).",
    ),
    "core: gửi lại thư thông báo chưa gửi (10 phút)": (
        "campaign_portal.core.tasks.resend_unsent_notifications",
        10,
        "Gửi lại thư của các thông báo chưa gửi được (hàng đợi không hoạt động lúc tạo).",
    ),
}


def ensure_schedules() -> list[str]:
    """Create or update the periodic tasks; running it again changes nothing. Returns the names."""
    for name, (task, when, description) in SCHEDULES.items():
        if isinstance(when, datetime.timedelta):
            seconds = int(when.total_seconds())
            interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
            schedule = {"interval": interval, "crontab": None}
        elif isinstance(when, int):
            interval, _ = IntervalSchedule.objects.get_or_create(every=when, period=IntervalSchedule.MINUTES)
            schedule = {"interval": interval, "crontab": None}
        else:
            crontab, _ = CrontabSchedule.objects.get_or_create(timezone=TIME_ZONE, **when)
            schedule = {"crontab": crontab, "interval": None}
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={"task": task, "description": description, "enabled": True, "queue": "reports", **schedule},
        )
    return list(SCHEDULES)
