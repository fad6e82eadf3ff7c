"""What a page's recorded error means, said to a reviewer: the errors the collector records
(`PageArtifact.error`) in both languages, with Chromium's network errors explained."""

from __future__ import annotations

import re

from assessor.artifacts.page import UNFINISHED_LOAD
from assessor.model import Text


def page_error_in_vietnamese(error: str) -> str:
    """A page's recorded error for the Vietnamese report: ours translated, Chromium's own reason
    (`net::ERR_...`, `Timeout ...`) kept as it said it."""
    unfinished = UNFINISHED_LOAD.fullmatch(error)
    return f"không có trang hoàn chỉnh sau {unfinished[1]} giây ({unfinished[2]})" if unfinished else error


# What Chromium's network errors that keep a portal from opening mean, for a reader who is not a
# network engineer: (Vietnamese, English).
NET_ERRORS: dict[str, tuple[str, str]] = {
    "ERR_SSL_VERSION_OR_CIPHER_MISMATCH": (
        "máy chủ chỉ hỗ trợ phiên bản TLS hoặc bộ mã hóa mà trình duyệt hiện nay từ chối, ví dụ chỉ TLS 1.0 hoặc 1.1",
        "the server offers only TLS versions or cipher suites that current browsers refuse, such as TLS 1.0 or 1.1 alone"),
    "ERR_SSL_PROTOCOL_ERROR": ("máy chủ trả lời sai giao thức TLS (có thể là HTTP trên cổng HTTPS)",
                               "the server's TLS answer is broken (perhaps plain HTTP on the HTTPS port)"),
    "ERR_NAME_NOT_RESOLVED": ("tên miền không phân giải được (DNS)", "the host name does not resolve (DNS)"),
    "ERR_CONNECTION_REFUSED": ("máy chủ từ chối kết nối ở cổng này", "nothing accepts connections on that port"),
    "ERR_CONNECTION_TIMED_OUT": ("máy chủ không trả lời kết nối", "the server does not answer the connection"),
    "ERR_TIMED_OUT": ("máy chủ không trả lời kịp", "the server did not answer in time"),
    "ERR_CONNECTION_RESET": ("máy chủ cắt kết nối", "the server cut the connection"),
    "ERR_CONNECTION_CLOSED": ("máy chủ đóng kết nối mà không trả lời", "the server closed the connection without an answer"),
    "ERR_EMPTY_RESPONSE": ("máy chủ đóng kết nối mà không trả lời", "the server closed the connection without an answer"),
    "ERR_ADDRESS_UNREACHABLE": ("không tới được địa chỉ máy chủ", "the server's address cannot be reached"),
    "ERR_TOO_MANY_REDIRECTS": ("các trang chuyển hướng vòng quanh không dứt",
                               "its pages redirect to one another without end"),
    "ERR_CERT_DATE_INVALID": ("chứng thư số đã hết hạn hoặc chưa có hiệu lực", "its certificate has expired or is not yet valid"),
    "ERR_CERT_COMMON_NAME_INVALID": ("chứng thư số không mang tên miền này", "its certificate does not name this host"),
    "ERR_CERT_AUTHORITY_INVALID": ("chứng thư số không do tổ chức được tin cậy cấp",
                                   "its certificate is not issued by a trusted authority"),
}
NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")


def page_error_text(error: str) -> Text:
    """A page's recorded error in both languages, with what a network error means."""
    vi, en = page_error_in_vietnamese(error), error
    code = NET_ERROR.search(error)
    meaning = NET_ERRORS.get(code[1]) if code else None
    return Text(vi=f"{vi} ({meaning[0]})", en=f"{en} ({meaning[1]})") if meaning else Text(vi=vi, en=en)
