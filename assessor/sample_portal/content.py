"""The fictional content of the sample portal: agency, procedures, dossiers, statistics.

All names are fictional ("tỉnh Lâm Hà"); procedure names follow the real national catalogue so that
keyword-based checks meet realistic text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

AGENCY_NAME = "Văn phòng UBND tỉnh Lâm Hà"
PORTAL_NAME = "Cổng Dịch vụ công tỉnh Lâm Hà"
PORTAL_NAME_EN = "Lam Ha Province Public Service Portal"
ADDRESS = "Số 1 đường Trần Hưng Đạo, phường Xuân Hương, tỉnh Lâm Hà"
PHONE = "(0263) 3 822 123"
EMAIL = "vanphong@lamha.gov.vn"
HOTLINE = "1900 1234"
NATIONAL_PORTAL_URL = "https://dichvucong.gov.vn"
NATIONAL_PORTAL_NAME = "Cổng Dịch vụ công Quốc gia"
EMC_SITE_ID = "1234"

TEST_USERNAME = "congdan.test"
TEST_PASSWORD = "Mat-khau-Thu-9x!"
TEST_USER_FULL_NAME = "Nguyễn Văn Thử"

AGENCIES: dict[str, str] = {
    "so-tu-phap": "Sở Tư pháp",
    "so-xay-dung": "Sở Xây dựng",
    "so-tai-chinh": "Sở Tài chính",
    "so-giao-thong": "Sở Giao thông vận tải",
    "so-nong-nghiep": "Sở Nông nghiệp và Môi trường",
    "so-y-te": "Sở Y tế",
    "so-giao-duc": "Sở Giáo dục và Đào tạo",
    "so-noi-vu": "Sở Nội vụ",
    "ubnd-xa": "UBND cấp xã",
    "cong-an": "Công an tỉnh",
}

LEVELS: dict[str, str] = {"toan-trinh": "Toàn trình", "mot-phan": "Một phần"}


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    agency: str  # key of AGENCIES
    level: str  # "Toàn trình", "Một phần", or an old "Mức độ 3" / "Mức độ 4"
    days: str
    fee: str

    @property
    def agency_name(self) -> str:
        return AGENCIES[self.agency]

    @property
    def level_key(self) -> str:
        # Old "Mức độ 4" pages correspond to a full online service, "Mức độ 3" to a partial one.
        return "toan-trinh" if self.level in ("Toàn trình", "Mức độ 4") else "mot-phan"


# name, field, agency, level, time limit, fee
_PROCEDURES: list[tuple[str, str, str, str, str, str]] = [
    ("Đăng ký khai sinh", "Hộ tịch", "ubnd-xa", "Toàn trình", "Ngay trong ngày làm việc", "Miễn lệ phí"),
    ("Đăng ký kết hôn", "Hộ tịch", "ubnd-xa", "Một phần", "Ngay trong ngày làm việc", "Miễn lệ phí"),
    ("Đăng ký khai tử", "Hộ tịch", "ubnd-xa", "Toàn trình", "Ngay trong ngày làm việc", "Miễn lệ phí"),
    ("Cấp bản sao trích lục hộ tịch", "Hộ tịch", "ubnd-xa", "Toàn trình", "Ngay trong ngày làm việc",
     "8.000 đồng/bản sao"),
    ("Đăng ký thường trú", "Đăng ký, quản lý cư trú", "cong-an", "Toàn trình", "07 ngày làm việc",
     "20.000 đồng"),
    ("Xác nhận thông tin về cư trú", "Đăng ký, quản lý cư trú", "cong-an", "Toàn trình",
     "01 ngày làm việc", "Không"),
    ("Cấp phiếu lý lịch tư pháp cho công dân Việt Nam", "Lý lịch tư pháp", "so-tu-phap", "Toàn trình",
     "10 ngày làm việc", "200.000 đồng/lần/người"),
    ("Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", "ubnd-xa", "Một phần",
     "Trong ngày làm việc", "2.000 đồng/trang"),
    ("Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II", "Hoạt động xây dựng",
     "so-xay-dung", "Một phần", "20 ngày", "150.000 đồng/giấy phép"),
    ("Cấp giấy phép xây dựng đối với nhà ở riêng lẻ", "Hoạt động xây dựng", "so-xay-dung", "Toàn trình",
     "15 ngày", "75.000 đồng/giấy phép"),
    ("Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", "Hoạt động xây dựng", "so-xay-dung",
     "Toàn trình", "20 ngày", "300.000 đồng/chứng chỉ"),
    ("Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng", "Hoạt động xây dựng", "so-xay-dung", "Mức độ 3",
     "30 ngày", "Theo quy định của Bộ Tài chính"),
    ("Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "ubnd-xa", "Toàn trình",
     "03 ngày làm việc", "100.000 đồng/lần"),
    ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh",
     "ubnd-xa", "Toàn trình", "03 ngày làm việc", "100.000 đồng/lần"),
    ("Đăng ký thành lập doanh nghiệp tư nhân", "Thành lập và hoạt động doanh nghiệp", "so-tai-chinh",
     "Toàn trình", "03 ngày làm việc", "Miễn lệ phí khi nộp trực tuyến"),
    ("Đăng ký thành lập công ty TNHH một thành viên", "Thành lập và hoạt động doanh nghiệp", "so-tai-chinh",
     "Toàn trình", "03 ngày làm việc", "Miễn lệ phí khi nộp trực tuyến"),
    ("Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp", "Đường bộ", "so-giao-thong", "Toàn trình",
     "05 ngày làm việc", "135.000 đồng/lần"),
    ("Cấp lại giấy phép lái xe", "Đường bộ", "so-giao-thong", "Một phần", "10 ngày làm việc",
     "135.000 đồng/lần"),
    ("Cấp giấy phép kinh doanh vận tải bằng xe ô tô", "Đường bộ", "so-giao-thong", "Toàn trình",
     "05 ngày làm việc", "200.000 đồng/giấy phép"),
    ("Cấp phù hiệu xe kinh doanh vận tải", "Đường bộ", "so-giao-thong", "Mức độ 4", "02 ngày làm việc",
     "Không"),
    ("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai",
     "so-nong-nghiep", "Một phần", "10 ngày làm việc", "Theo Nghị quyết của HĐND tỉnh"),
    ("Cung cấp thông tin, dữ liệu đất đai", "Đất đai", "so-nong-nghiep", "Toàn trình", "03 ngày làm việc",
     "Theo Nghị quyết của HĐND tỉnh"),
    ("Cấp giấy phép môi trường", "Môi trường", "so-nong-nghiep", "Một phần", "30 ngày",
     "Theo quy định của Bộ Tài chính"),
    ("Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "An toàn thực phẩm", "so-nong-nghiep",
     "Mức độ 3", "15 ngày làm việc", "700.000 đồng/lần"),
    ("Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh", "so-y-te", "Một phần",
     "20 ngày", "360.000 đồng/hồ sơ"),
    ("Cấp giấy phép hoạt động đối với phòng khám đa khoa", "Khám bệnh, chữa bệnh", "so-y-te", "Một phần",
     "45 ngày", "5.700.000 đồng/hồ sơ"),
    ("Cấp giấy chứng nhận đủ điều kiện kinh doanh dược", "Dược phẩm", "so-y-te", "Toàn trình", "20 ngày",
     "Theo quy định của Bộ Tài chính"),
    ("Công bố cơ sở đủ điều kiện sản xuất trang thiết bị y tế", "Trang thiết bị y tế", "so-y-te",
     "Toàn trình", "03 ngày làm việc", "Không"),
    ("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Văn bằng, chứng chỉ", "so-giao-duc", "Toàn trình",
     "Ngay trong ngày làm việc", "Không"),
    ("Chỉnh sửa nội dung văn bằng, chứng chỉ", "Văn bằng, chứng chỉ", "so-giao-duc", "Một phần",
     "05 ngày làm việc", "Không"),
    ("Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục", "Giáo dục và đào tạo", "so-giao-duc",
     "Một phần", "20 ngày làm việc", "Không"),
    ("Chuyển trường đối với học sinh trung học phổ thông", "Giáo dục và đào tạo", "so-giao-duc",
     "Toàn trình", "03 ngày làm việc", "Không"),
    ("Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", "so-noi-vu", "Toàn trình", "20 ngày",
     "Không"),
    ("Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm", "so-noi-vu",
     "Toàn trình", "05 ngày làm việc", "600.000 đồng/giấy phép"),
    ("Giải quyết chế độ trợ cấp một lần đối với người có công", "Người có công", "so-noi-vu", "Một phần",
     "12 ngày làm việc", "Không"),
    ("Thủ tục xét tặng danh hiệu Gia đình văn hóa", "Văn hóa cơ sở", "ubnd-xa", "Mức độ 3",
     "05 ngày làm việc", "Không"),
    ("Đăng ký hoạt động tín ngưỡng", "Tín ngưỡng, tôn giáo", "so-noi-vu", "Một phần", "15 ngày",
     "Không"),
    ("Cấp giấy phép tổ chức lễ hội", "Văn hóa", "so-noi-vu", "Mức độ 4", "10 ngày làm việc", "Không"),
    ("Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", "Hộ tịch", "ubnd-xa", "Một phần",
     "Ngay trong ngày làm việc", "Miễn lệ phí"),
    ("Đăng ký nhận cha, mẹ, con", "Hộ tịch", "ubnd-xa", "Một phần", "03 ngày làm việc", "Miễn lệ phí"),
    ("Cấp giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "ubnd-xa", "Toàn trình", "03 ngày làm việc",
     "Miễn lệ phí"),
    ("Hỗ trợ học tập đối với trẻ mẫu giáo và học sinh dân tộc thiểu số", "Giáo dục và đào tạo", "ubnd-xa",
     "Toàn trình", "15 ngày", "Không"),
    ("Cấp giấy phép khai thác tài nguyên nước mặt", "Tài nguyên nước", "so-nong-nghiep", "Một phần",
     "30 ngày", "Theo Nghị quyết của HĐND tỉnh"),
    ("Thẩm định thiết kế cơ sở dự án đầu tư xây dựng", "Hoạt động xây dựng", "so-xay-dung", "Mức độ 3",
     "30 ngày", "Theo quy định của Bộ Tài chính"),
]


def _code(index: int) -> str:
    # Codes in the national catalogue format (1.00xxxx.000.00.00.Hnn); H35 stands for the province.
    return f"1.{1193 + index * 137:06d}.000.00.00.H35"


PROCEDURES: list[Procedure] = [
    Procedure(_code(i), name, fld, agency, level, days, fee)
    for i, (name, fld, agency, level, days, fee) in enumerate(_PROCEDURES)
]
PROCEDURES_BY_CODE: dict[str, Procedure] = {p.code: p for p in PROCEDURES}


@dataclass(frozen=True)
class Dossier:
    code: str
    procedure_code: str
    applicant: str
    received: str
    due: str
    status: str


DOSSIERS: dict[str, Dossier] = {d.code: d for d in [
    Dossier("H35.22-240101-0001", PROCEDURES[0].code, "Nguyễn Văn Thử", "01/01/2024", "01/01/2024",
            "Đã trả kết quả"),
    Dossier("H35.22-240315-0042", PROCEDURES[9].code, "Nguyễn Văn Thử", "15/03/2024", "05/04/2024",
            "Đang xử lý"),
    Dossier("H35.22-240402-0107", PROCEDURES[12].code, "Trần Thị Mẫu", "02/04/2024", "05/04/2024",
            "Chờ bổ sung hồ sơ"),
]}

# agency key -> (received, processed, on time) for the published statistics.
STATISTICS: dict[str, tuple[int, int, int]] = {
    "so-tu-phap": (4210, 4188, 4170),
    "so-xay-dung": (1375, 1290, 1211),
    "so-tai-chinh": (3120, 3101, 3098),
    "so-giao-thong": (8450, 8402, 8377),
    "so-nong-nghiep": (2260, 2105, 1987),
    "so-y-te": (970, 951, 944),
    "so-giao-duc": (1530, 1529, 1529),
    "so-noi-vu": (2880, 2790, 2741),
    "ubnd-xa": (25410, 25388, 25360),
    "cong-an": (18004, 17990, 17985),
}

FAQ: list[tuple[str, str]] = [
    ("Làm thế nào để đăng ký tài khoản trên Cổng Dịch vụ công?",
     "Công dân đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia hoặc tài khoản định danh điện tử VNeID; "
     "không cần đăng ký tài khoản riêng trên cổng của tỉnh."),
    ("Tôi có thể tra cứu tình trạng hồ sơ ở đâu?",
     "Vào mục Tra cứu hồ sơ, nhập mã hồ sơ in trên giấy tiếp nhận (ví dụ H35.22-240101-0001)."),
    ("Dịch vụ công toàn trình là gì?",
     "Là dịch vụ mà toàn bộ quá trình từ nộp hồ sơ, thanh toán phí đến nhận kết quả đều thực hiện trực tuyến."),
    ("Thanh toán lệ phí trực tuyến bằng cách nào?",
     "Hệ thống kết nối Nền tảng thanh toán trực tuyến của Cổng Dịch vụ công quốc gia, hỗ trợ thẻ ngân hàng, "
     "ví điện tử và chuyển khoản."),
]

NEWS: list[tuple[str, str, str]] = [
    ("trien-khai-dich-vu-cong-toan-trinh-2024", "Triển khai 120 dịch vụ công trực tuyến toàn trình năm 2024",
     "12/03/2024"),
    ("huong-dan-dang-nhap-vneid", "Hướng dẫn đăng nhập Cổng Dịch vụ công bằng tài khoản VNeID", "05/02/2024"),
    ("ket-qua-danh-gia-quy-4-2023", "Kết quả đánh giá mức độ hài lòng quý IV năm 2023", "10/01/2024"),
]


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics, so that 'dang ky khai sinh' matches 'Đăng ký khai sinh'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def search_procedures(query: str = "", agency: str = "", level: str = "") -> list[Procedure]:
    """Procedures whose name, code or field match every word of the query, with or without diacritics."""
    words = fold(query).split()
    found = []
    for proc in PROCEDURES:
        haystack = fold(f"{proc.name} {proc.code} {proc.field} {proc.agency_name}")
        if all(word in haystack for word in words) and (not agency or proc.agency == agency) \
                and (not level or proc.level_key == level):
            found.append(proc)
    return found
