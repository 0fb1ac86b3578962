"""The words of usage reports in English and Traditional Chinese (Taiwan), for the Excel and PDF writers.

Reports are made by the command line and the headless service as well as the app, so their texts live here rather
than in Qt's translation files; the terms follow the app's (裝置, 連接埠, 流入/流出, 上行鏈路, 使用率).
"""

from __future__ import annotations

from datetime import date, datetime

from devices.errors import InputError

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Network usage report",
        "school": "School",
        "period": "Period",
        "from": "From",
        "to": "To",
        "time_zone": "Time zone",
        "generated": "Generated",
        "scope": "Ports included",
        "scope_uplinks": "uplinks",
        "scope_all": "all ports",
        "devices_count": "Devices",
        "ports_count": "Number of ports",
        "total_in_gb": "Traffic in (GB)",
        "total_out_gb": "Traffic out (GB)",
        "total_in": "Traffic in",
        "total_out": "Traffic out",
        "availability_pct": "Availability (%)",
        "availability": "Availability",
        "polls": "polls answered",
        "summary": "Summary",
        "sheet_ports": "Ports",
        "sheet_devices": "Devices",
        "sheet_top": "Top {0}",
        "sheet_daily": "Daily uplinks",
        "device": "Device",
        "port": "Port",
        "alias": "Description",
        "location": "Location",
        "uplink": "Uplink",
        "yes": "yes",
        "no": "no",
        "rank": "Rank",
        "date": "Date",
        "speed_mbps": "Speed (Mbit/s)",
        "avg_in_mbps": "Average in (Mbit/s)",
        "avg_out_mbps": "Average out (Mbit/s)",
        "peak_in_mbps": "Peak in (Mbit/s)",
        "peak_out_mbps": "Peak out (Mbit/s)",
        "p95_in_mbps": "95th percentile in (Mbit/s)",
        "p95_out_mbps": "95th percentile out (Mbit/s)",
        "total_gb": "Traffic in + out (GB)",
        "util_avg_in": "Utilization, average in (%)",
        "util_avg_out": "Utilization, average out (%)",
        "util_p95_in": "Utilization, 95th in (%)",
        "util_p95_out": "Utilization, 95th out (%)",
        "util_average": "Use (average)",
        "samples": "Samples",
        "polls_answered": "Polls answered",
        "polls_total": "Polls made",
        "ports_in_report": "Ports in report",
        "daily_avg_in": "{0} average in (Mbit/s)",
        "daily_avg_out": "{0} average out (Mbit/s)",
        "daily_total": "{0} traffic (GB)",
        "daily_chart": "Daily traffic of the uplinks (GB)",
        "daily_chart_busiest": "Daily traffic of the busiest ports (GB)",
        "page": "Page {0} of {1}",
        "period_text": "{0} to {1}",
        "uplinks_section": "Uplink traffic",
        "busiest_section": "Traffic of the busiest ports",
        "charts_left_out": "{0} more uplink(s) are in the tables below.",
        "daily_section": "Daily traffic",
        "top_section": "The {0} busiest ports",
        "devices_section": "Device availability",
        "ports_section": "All ports in this report",
        "average": "Average",
        "peak": "Peak",
        "p95": "95th percentile",
        "traffic": "Traffic",
        "utilization": "Use (95th)",
        "speed": "Speed",
        "in_out": "in / out",
        "not_polled": "not polled",
        "note_rates": "Rates are in bits per second (k = 1000); traffic in bytes (GB = 10^9 bytes).",
        "note_p95": "95th percentile: of the 5-minute averages (nearest rank), the usual measure for billing.",
        "note_availability": "Availability: the share of polls in the period that the device answered.",
        "no_data": "no data",
    },
    "zh_TW": {
        "title": "網路使用報告",
        "school": "學校",
        "period": "期間",
        "from": "起",
        "to": "迄",
        "time_zone": "時區",
        "generated": "產生時間",
        "scope": "納入的連接埠",
        "scope_uplinks": "上行鏈路",
        "scope_all": "全部連接埠",
        "devices_count": "裝置數",
        "ports_count": "連接埠數",
        "total_in_gb": "流入總量 (GB)",
        "total_out_gb": "流出總量 (GB)",
        "total_in": "流入總量",
        "total_out": "流出總量",
        "availability_pct": "可用率 (%)",
        "availability": "可用率",
        "polls": "輪詢回應",
        "summary": "摘要",
        "sheet_ports": "連接埠",
        "sheet_devices": "裝置",
        "sheet_top": "流量前 {0} 名",
        "sheet_daily": "上行鏈路每日流量",
        "device": "裝置",
        "port": "連接埠",
        "alias": "說明",
        "location": "位置",
        "uplink": "上行鏈路",
        "yes": "是",
        "no": "否",
        "rank": "名次",
        "date": "日期",
        "speed_mbps": "速率 (Mbit/s)",
        "avg_in_mbps": "平均流入 (Mbit/s)",
        "avg_out_mbps": "平均流出 (Mbit/s)",
        "peak_in_mbps": "尖峰流入 (Mbit/s)",
        "peak_out_mbps": "尖峰流出 (Mbit/s)",
        "p95_in_mbps": "95 百分位流入 (Mbit/s)",
        "p95_out_mbps": "95 百分位流出 (Mbit/s)",
        "total_gb": "流入 + 流出總量 (GB)",
        "util_avg_in": "使用率，平均流入 (%)",
        "util_avg_out": "使用率，平均流出 (%)",
        "util_p95_in": "使用率，95 百分位流入 (%)",
        "util_p95_out": "使用率，95 百分位流出 (%)",
        "util_average": "使用率 (平均)",
        "samples": "樣本數",
        "polls_answered": "有回應的輪詢",
        "polls_total": "輪詢次數",
        "ports_in_report": "報告中的連接埠",
        "daily_avg_in": "{0} 平均流入 (Mbit/s)",
        "daily_avg_out": "{0} 平均流出 (Mbit/s)",
        "daily_total": "{0} 流量 (GB)",
        "daily_chart": "上行鏈路每日流量 (GB)",
        "daily_chart_busiest": "流量最大連接埠的每日流量 (GB)",
        "page": "第 {0} 頁，共 {1} 頁",
        "period_text": "{0} 至 {1}",
        "uplinks_section": "上行鏈路流量",
        "busiest_section": "流量最大連接埠的流量",
        "charts_left_out": "另有 {0} 條上行鏈路列在下方表格中。",
        "daily_section": "每日流量",
        "top_section": "流量最大的 {0} 個連接埠",
        "devices_section": "裝置可用率",
        "ports_section": "本報告的所有連接埠",
        "average": "平均",
        "peak": "尖峰",
        "p95": "95 百分位",
        "traffic": "流量",
        "utilization": "使用率 (95)",
        "speed": "速率",
        "in_out": "流入 / 流出",
        "not_polled": "未輪詢",
        "note_rates": "速率單位為每秒位元（k = 1000）；流量單位為位元組（GB = 10^9 位元組）。",
        "note_p95": "95 百分位：取 5 分鐘平均值的第 95 百分位（最近排名法），為頻寬計費常用的量度。",
        "note_availability": "可用率：期間內裝置回應輪詢的比例。",
        "no_data": "無資料",
    },
}

# Time zone names a report may show, in the reader's words.
TZ_NAMES = {"zh_TW": {"Asia/Taipei": "台北時間 UTC+8"}, "en": {"Asia/Taipei": "Taipei time, UTC+8"}}


def check_language(lang: str) -> str:
    """``lang`` if reports speak it; :class:`InputError` otherwise."""
    if lang not in TEXTS:
        raise InputError(f"--lang {lang!r}: use {' or '.join(TEXTS)}")
    return lang


def text(lang: str, key: str, *args: object) -> str:
    """The report text ``key`` in ``lang`` with ``args`` filled in ({0}, {1} ...)."""
    return TEXTS[lang][key].format(*args)


def tz_name(lang: str, name: str) -> str:
    """A time zone as the reader knows it (the IANA name when there is no better one)."""
    return TZ_NAMES[lang].get(name, name)


def day_text(day: date) -> str:
    """A date as reports print it, the same in both languages: 2026-11-20 (ISO order, as Taiwan writes dates)."""
    return day.isoformat()


def time_text(dt: datetime) -> str:
    """A local time as reports print it: 2026-11-20 08:00."""
    return dt.strftime("%Y-%m-%d %H:%M")
