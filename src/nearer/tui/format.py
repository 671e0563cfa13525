"""Small, friendly ways to say times and durations on screen."""

from __future__ import annotations

import time


def ago(then: float, now: float) -> str:
    seconds = max(0.0, now - then)
    if seconds < 90:
        return "just now"
    minutes = seconds / 60
    if minutes < 60:
        return f"{int(minutes)} minutes ago"
    hours = minutes / 60
    if hours < 24:
        count = int(hours)
        return "an hour ago" if count == 1 else f"{count} hours ago"
    days = int(hours / 24)
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"on {time.strftime('%-d %b %Y', time.localtime(then))}"


def clock_time(when: float) -> str:
    return time.strftime("%a %-d %b, %H:%M", time.localtime(when))


def mmss(seconds: float) -> str:
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"
