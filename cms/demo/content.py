"""Demo pages of the public site, written for the demo from the seed campaigns' facts (safe to run again).

Pages are found by slug under their parent and created only when missing, so editors' later changes survive.
"""

import datetime
import io

from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from campaigns.core.pdf import register_fonts
from campaigns.models import Campaign
from cms.models import (
    CampaignPage,
    DocumentLibraryPage,
    GuideIndexPage,
    GuidePage,
    GuideRelatedLink,
    HomePage,
    NewsIndexPage,
    NewsPage,
    SiteSettings,
    TrainingCalendarPage,
)
from cms.workflow import ensure_moderation_workflow
from outreach_media.choices import MediaKind
from outreach_media.models import MediaItem

HANDBOOK_TITLE = "Sổ tay hướng dẫn sử dụng dịch vụ công trực tuyến (bản điện tử)"
LEAFLET_TITLE = "Tờ rơi: gửi hồ sơ, nhận kết quả qua bưu điện (bản điện tử)"
SCREENSHOT_TITLE = "Minh hoạ: màn hình đăng nhập Cổng Dịch vụ công quốc gia"


def _step(heading, text, *, image=None, alt=""):
    value = {"heading": heading, "text": text, "image": image.pk if image else None, "alt": alt}
    return {"type": "step", "value": value}


def _tip(text):
    return {"type": "tip", "value": {"text": text}}


def _warning(text):
    return {"type": "warning", "value": {"text": text}}


def _faq(*pairs):
    items = [{"question": q, "answer": a} for q, a in pairs]
    return {"type": "faq", "value": {"heading": "", "questions": items}}


def _guides(screenshot):
    return [
        {
            "slug": "dang-ky-tai-khoan-vneid",
            "title": "Đăng ký tài khoản trên Cổng Dịch vụ công quốc gia bằng VNeID",
            "intro": "Dùng tài khoản định danh điện tử VNeID để đăng nhập Cổng Dịch vụ công quốc gia, "
            "không cần tạo thêm mật khẩu riêng.",
            "applies_to": "Đăng nhập Cổng Dịch vụ công quốc gia",
            "audience": "Công dân từ đủ 14 tuổi đã có căn cước",
            "steps": [
                _step(
                    "Kích hoạt tài khoản định danh điện tử mức 2",
                    "<p>Cài ứng dụng <b>VNeID</b> từ kho ứng dụng của điện thoại. Nếu chưa có tài khoản mức 2, "
                    "mang căn cước đến công an xã, phường nơi cư trú để được cấp và kích hoạt.</p>",
                ),
                _step(
                    "Mở Cổng Dịch vụ công quốc gia",
                    '<p>Vào địa chỉ <a href="https://dichvucong.gov.vn">dichvucong.gov.vn</a> và bấm '
                    "<b>Đăng nhập</b> ở góc trên màn hình.</p>",
                    image=screenshot,
                    alt="Trang chủ Cổng Dịch vụ công quốc gia, nút Đăng nhập ở góc trên bên phải",
                ),
                _step(
                    "Chọn đăng nhập bằng VNeID",
                    "<p>Chọn <b>Tài khoản định danh điện tử cấp bởi Bộ Công an (VNeID)</b>. Nhập số định danh "
                    "cá nhân (12 số trên căn cước) và mật khẩu, hoặc mở ứng dụng VNeID để quét mã QR hiện trên "
                    "màn hình.</p>",
                ),
                _step(
                    "Xác nhận trên điện thoại",
                    "<p>Ứng dụng VNeID hỏi bạn có đồng ý chia sẻ thông tin cho Cổng không. Bấm <b>Xác nhận</b> "
                    "và nhập mã bảo vệ (passcode) 6 số.</p>",
                ),
                _step(
                    "Kiểm tra thông tin cá nhân",
                    "<p>Lần đăng nhập đầu tiên, Cổng hiển thị họ tên, ngày sinh, địa chỉ lấy từ cơ sở dữ liệu "
                    "dân cư. Bổ sung số điện thoại và thư điện tử để nhận thông báo về hồ sơ.</p>",
                ),
                _tip("<p>Cán bộ một cửa xã và nhân viên bưu điện có thể ngồi cùng bạn làm lần đầu, miễn phí.</p>"),
                _warning(
                    "<p>Không đọc mật khẩu, mã passcode hay mã OTP cho bất kỳ ai qua điện thoại, kể cả người "
                    "xưng là cán bộ.</p>"
                ),
                _faq(
                    (
                        "Tôi quên mật khẩu VNeID thì làm sao?",
                        "<p>Trên ứng dụng VNeID chọn <b>Quên mật khẩu</b> và làm theo hướng dẫn; mã xác nhận gửi "
                        "về số điện thoại đã đăng ký.</p>",
                    ),
                    (
                        "Tài khoản mức 1 có dùng được không?",
                        "<p>Một số thủ tục cần tài khoản mức 2; nên nâng lên mức 2 tại công an xã.</p>",
                    ),
                ),
            ],
        },
        {
            "slug": "nop-ho-so-truc-tuyen",
            "title": "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công",
            "intro": "Từ lúc tìm đúng thủ tục đến khi nhận mã hồ sơ: nộp tại nhà, không phải xếp hàng.",
            "applies_to": "Mọi thủ tục có biểu tượng nộp trực tuyến",
            "audience": "Người dân và doanh nghiệp",
            "handbook": True,
            "steps": [
                _step(
                    "Đăng nhập",
                    "<p>Đăng nhập Cổng Dịch vụ công quốc gia hoặc Cổng Dịch vụ công của tỉnh bằng tài khoản "
                    "VNeID.</p>",
                ),
                _step(
                    "Tìm thủ tục",
                    "<p>Gõ tên thủ tục vào ô tìm kiếm, ví dụ “cấp bản sao trích lục hộ tịch”. Chọn đúng cơ quan "
                    "giải quyết: tỉnh, huyện hay xã.</p>",
                ),
                _step(
                    "Điền tờ khai",
                    "<p>Bấm <b>Nộp trực tuyến</b>. Nhiều ô đã được điền sẵn từ tài khoản; kiểm tra và điền nốt "
                    "các ô có dấu sao.</p>",
                ),
                _step(
                    "Đính kèm giấy tờ",
                    "<p>Chụp rõ từng trang giấy tờ bằng điện thoại, đủ sáng, không mất góc, hoặc chọn giấy tờ đã "
                    "có trong kho dữ liệu cá nhân.</p>",
                ),
                _step(
                    "Chọn cách nhận kết quả và nộp",
                    "<p>Chọn nhận tại bộ phận một cửa hoặc qua bưu điện, bấm <b>Nộp hồ sơ</b>. Ghi lại "
                    "<b>mã hồ sơ</b> để tra cứu trong mục <i>Quản lý hồ sơ đã nộp</i>.</p>",
                ),
                _tip("<p>Hồ sơ bị yêu cầu bổ sung thì sửa ngay trên Cổng, không phải nộp lại từ đầu.</p>"),
                _faq(
                    (
                        "Bao lâu thì có kết quả?",
                        "<p>Thời hạn ghi trong thông tin thủ tục; Cổng nhắn tin khi hồ sơ đổi trạng thái.</p>",
                    ),
                ),
            ],
        },
        {
            "slug": "thanh-toan-phi-le-phi-truc-tuyen",
            "title": "Thanh toán phí, lệ phí trực tuyến",
            "intro": "Trả phí, lệ phí của hồ sơ ngay trên Cổng bằng tài khoản ngân hàng hoặc ví điện tử.",
            "applies_to": "Thủ tục có thu phí, lệ phí",
            "audience": "Người đã nộp hồ sơ trực tuyến",
            "steps": [
                _step(
                    "Mở hồ sơ cần thanh toán",
                    "<p>Vào <i>Quản lý hồ sơ đã nộp</i>, chọn hồ sơ có trạng thái <b>Chờ thanh toán</b>.</p>",
                ),
                _step(
                    "Chọn ngân hàng hoặc ví điện tử",
                    "<p>Bấm <b>Thanh toán</b>; Cổng chuyển sang nền tảng thanh toán trực tuyến. Chọn ngân hàng "
                    "hoặc ví mà bạn đang dùng.</p>",
                ),
                _step(
                    "Xác nhận giao dịch",
                    "<p>Kiểm tra số tiền và nội dung, rồi xác nhận bằng mã OTP hoặc sinh trắc học trên ứng dụng "
                    "ngân hàng.</p>",
                ),
                _step(
                    "Lưu biên lai điện tử",
                    "<p>Khi thanh toán xong, biên lai điện tử nằm trong hồ sơ; tải về hoặc chụp màn hình để "
                    "giữ lại.</p>",
                ),
                _warning(
                    "<p>Chỉ thanh toán trên Cổng. Không chuyển khoản theo số tài khoản gửi qua tin nhắn hay cuộc "
                    "gọi lạ.</p>"
                ),
            ],
        },
        {
            "slug": "gui-ho-so-nhan-ket-qua-qua-buu-dien",
            "title": "Gửi hồ sơ và nhận kết quả qua bưu điện (BCCI)",
            "intro": "Dịch vụ bưu chính công ích đưa hồ sơ của bạn đến cơ quan và mang kết quả về tận nhà.",
            "applies_to": "Thủ tục hành chính tiếp nhận qua dịch vụ bưu chính công ích",
            "audience": "Người ở xa trung tâm, người cao tuổi, người bận rộn",
            "steps": [
                _step(
                    "Chuẩn bị hồ sơ giấy",
                    "<p>Chuẩn bị đủ giấy tờ như khi nộp tại một cửa, cho vào phong bì và ghi tên thủ tục bên "
                    "ngoài.</p>",
                ),
                _step(
                    "Mang đến bưu cục hoặc gọi bưu tá",
                    "<p>Mang hồ sơ đến bưu cục, điểm bưu điện văn hoá xã, hoặc gọi tổng đài bưu điện để nhân "
                    "viên đến nhận tại nhà.</p>",
                ),
                _step(
                    "Nhận phiếu gửi",
                    "<p>Giữ phiếu gửi có mã bưu gửi để tra cứu hành trình hồ sơ.</p>",
                ),
                _step(
                    "Nhận kết quả tại nhà",
                    "<p>Khi nộp trực tuyến, chọn <b>Nhận kết quả qua dịch vụ bưu chính công ích</b> và ghi địa "
                    "chỉ. Bưu tá giao kết quả, bạn xuất trình căn cước khi nhận.</p>",
                ),
                _tip("<p>Cước gửi theo bảng giá của bưu điện; hỏi trước nếu hồ sơ nặng.</p>"),
            ],
        },
        {
            "slug": "dang-ky-khai-sinh-truc-tuyen",
            "title": "Đăng ký khai sinh trực tuyến cho con",
            "intro": "Một lần khai để có giấy khai sinh, đăng ký thường trú và thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi.",
            "applies_to": "Liên thông đăng ký khai sinh – đăng ký thường trú – cấp thẻ BHYT cho trẻ dưới 6 tuổi",
            "audience": "Cha, mẹ hoặc người giám hộ của trẻ mới sinh",
            "steps": [
                _step(
                    "Đăng nhập",
                    "<p>Đăng nhập Cổng Dịch vụ công quốc gia hoặc ứng dụng VNeID bằng tài khoản của cha hoặc mẹ.</p>",
                ),
                _step(
                    "Chọn nhóm thủ tục liên thông",
                    "<p>Tìm “liên thông khai sinh” và chọn nhóm thủ tục cho trẻ dưới 6 tuổi, rồi chọn Ủy ban "
                    "nhân dân xã nơi cư trú.</p>",
                ),
                _step(
                    "Khai thông tin của trẻ",
                    "<p>Nhập họ tên, ngày sinh, nơi sinh, quê quán của trẻ; thông tin của cha mẹ được lấy từ "
                    "tài khoản.</p>",
                ),
                _step(
                    "Đính kèm giấy chứng sinh",
                    "<p>Chụp rõ giấy chứng sinh do cơ sở y tế cấp; nếu cha mẹ đã đăng ký kết hôn, chụp thêm "
                    "giấy chứng nhận kết hôn.</p>",
                ),
                _step(
                    "Nộp và nhận kết quả",
                    "<p>Chọn nhận bản chính giấy khai sinh tại xã hoặc qua bưu điện, bấm <b>Nộp hồ sơ</b>. "
                    "Thẻ BHYT của trẻ có trên ứng dụng VNeID khi hoàn tất.</p>",
                ),
                _warning("<p>Đăng ký khai sinh trong 60 ngày kể từ ngày sinh của trẻ.</p>"),
            ],
        },
    ]


NEWS = [
    {
        "slug": "tanh-linh-2022-tap-huan-va-so-tay",
        "campaign": "tanh-linh-2022",
        "title": "Tánh Linh: sáu lớp tập huấn, 750 cuốn sổ tay đưa dịch vụ công trực tuyến về thôn",
        "date": datetime.date(2022, 12, 20),
        "author": "Ban biên tập",
        "source": "Tổng hợp từ báo cáo của huyện Tánh Linh",
        "tags": ["Tánh Linh", "tập huấn", "bưu chính công ích"],
        "intro": "Năm 2022, huyện Tánh Linh cùng Bưu điện huyện mở 6 lớp hướng dẫn với khoảng 400 lượt người tham "
        "dự và phát hành tài liệu đến từng thôn.",
        "body": [
            "<p>Các phòng, ban của huyện, Ủy ban nhân dân các xã, thị trấn và Bưu điện Tánh Linh đã phối hợp tổ "
            "chức sáu lớp hướng dẫn sử dụng dịch vụ công trực tuyến và dịch vụ bưu chính công ích. Khoảng 400 lượt "
            "cán bộ, công chức và người dân đã được cầm tay chỉ việc.</p>",
            "<p>Bên cạnh lớp học, huyện thực hiện hai phóng sự phát trên sóng truyền hình, in 750 cuốn sổ tay và "
            "300 tờ rơi hướng dẫn để phát tại bộ phận một cửa và các điểm bưu điện văn hoá xã.</p>",
        ],
    },
    {
        "slug": "ben-tre-2020-dich-vu-cong-muc-do-4",
        "campaign": "ben-tre-2020",
        "title": "TP Bến Tre đặt mục tiêu đưa toàn bộ dịch vụ công trực tuyến lên mức độ 4",
        "date": datetime.date(2020, 11, 6),
        "author": "Ban biên tập",
        "source": "Tổng hợp từ kế hoạch 3510/KH-UBND của UBND TP Bến Tre",
        "tags": ["Bến Tre", "mức độ 4"],
        "intro": "Kế hoạch ban hành ngày 16/9/2020 yêu cầu các cơ quan của thành phố cung cấp 100 % dịch vụ công "
        "trực tuyến ở mức độ 4 trong năm.",
        "body": [
            "<p>Trước khi có kế hoạch, 39 thủ tục mức độ 3 thuộc năm phòng, ban của thành phố gần như chỉ do công "
            "chức nhập hộ lên hệ thống; rất ít người dân tự nộp qua mạng.</p>",
            "<p>Thành phố chú trọng bồi dưỡng công chức cấp xã để họ vừa xử lý hồ sơ trực tuyến thành thạo, vừa "
            "hướng dẫn được người dân ngay tại bộ phận một cửa.</p>",
        ],
    },
    {
        "slug": "ha-noi-2022-hoi-nghi-120-dai-bieu",
        "campaign": "ha-noi-2022",
        "title": "Hội nghị 120 đại biểu bàn cách đẩy mạnh nộp hồ sơ trực tuyến và qua bưu điện",
        "date": datetime.date(2022, 8, 25),
        "author": "Ban biên tập",
        "source": "Tổng hợp từ tin của một huyện thuộc Hà Nội",
        "tags": ["Hà Nội", "hội nghị", "bưu chính công ích"],
        "intro": "Lãnh đạo các phòng, ban, chủ tịch xã và công chức một cửa cùng Bưu điện Hà Nội tìm cách nâng tỷ "
        "lệ hồ sơ trực tuyến.",
        "body": [
            "<p>Sau tám tháng đầu năm, tỷ lệ hồ sơ nộp trực tuyến của huyện mới khoảng 13 %, còn xa mục tiêu 50 %. "
            "Hội nghị ngày 25/8/2022 có 120 đại biểu tham dự để chỉ ra nguyên nhân và giải pháp.</p>",
            "<p>Đại diện Bưu điện Hà Nội giới thiệu cách nhận hồ sơ và trả kết quả tận nhà; các xã nêu khó khăn về "
            "trang thiết bị tại bộ phận một cửa và nhận nhiệm vụ hướng dẫn người dân nhiều hơn.</p>",
        ],
    },
    {
        "slug": "ha-tinh-2021-nop-ho-so-truc-tuyen-phong-dich",
        "campaign": "ha-tinh-2021",
        "title": "Hà Tĩnh: nộp hồ sơ trực tuyến để phòng dịch, tỷ lệ tại Trung tâm tỉnh đạt 33,12 %",
        "date": datetime.date(2021, 8, 25),
        "author": "Ban biên tập",
        "source": "Tổng hợp từ tin của báo Hà Tĩnh",
        "tags": ["Hà Tĩnh", "phòng dịch"],
        "intro": "Trong đợt dịch COVID-19, người dân được khuyến khích ở nhà nộp hồ sơ qua mạng hoặc qua bưu điện.",
        "body": [
            "<p>Trung tâm Phục vụ hành chính công tỉnh hướng dẫn người dân và doanh nghiệp hạn chế đến trực tiếp, "
            "thay vào đó nộp trên Cổng Dịch vụ công của tỉnh hoặc gửi qua dịch vụ bưu chính công ích.</p>",
            "<p>Sau một tháng, 33,12 % hồ sơ tại Trung tâm được nộp trực tuyến. Ở thành phố Hà Tĩnh, 338 hồ sơ "
            "trực tuyến chiếm 39,5 % số hồ sơ tiếp nhận.</p>",
        ],
    },
    {
        "slug": "dien-bien-2023-quy-2-69-phan-tram",
        "campaign": "dien-bien-2023",
        "title": "Điện Biên: gần 34 nghìn hồ sơ trực tuyến trong quý II/2023",
        "date": datetime.date(2023, 7, 28),
        "author": "Ban biên tập",
        "source": "Tổng hợp từ tin của tỉnh Điện Biên",
        "tags": ["Điện Biên", "VNeID"],
        "intro": "33.892 hồ sơ nộp trực tuyến, tương đương 69 % số hồ sơ của quý, nhờ cán bộ xã hướng dẫn tận nơi.",
        "body": [
            "<p>Cán bộ các xã vùng cao như Ẳng Tở, Ẳng Cang (huyện Mường Ảng) hướng dẫn người dân cài VNeID và làm "
            "thủ tục ngay trên điện thoại thông minh, từ đăng ký khai sinh đến các thủ tục đất đai.</p>",
            "<p>Trong quý II/2023, toàn tỉnh tiếp nhận 33.892 hồ sơ trực tuyến, chiếm 69 % tổng số hồ sơ.</p>",
        ],
    },
]


def _screenshot():
    Image = get_image_model()
    image = Image.objects.filter(title=SCREENSHOT_TITLE).first()
    if image is not None:
        return image
    from PIL import Image as PILImage
    from PIL import ImageDraw

    canvas = PILImage.new("RGB", (720, 405), "#f2f5f9")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, 720, 64), fill="#a4161a")
    draw.rectangle((560, 16, 700, 48), fill="#ffffff")
    draw.rectangle((40, 110, 680, 170), fill="#ffffff", outline="#9aa5b1")
    for top in (210, 250, 290):
        draw.rectangle((40, top, 520, top + 18), fill="#d5dde6")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return Image.objects.create(title=SCREENSHOT_TITLE, file=ContentFile(buffer.getvalue(), name="dang-nhap.png"))


def _pdf(title: str, lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5)
    canvas.setTitle(title)
    canvas.setFont(bold, 12)
    canvas.drawString(36, 560, title[:60])
    canvas.setFont(regular, 10)
    for number, line in enumerate(lines):
        canvas.drawString(36, 530 - number * 18, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _document(title: str, filename: str, lines: list[str]):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document.objects.create(title=title, file=ContentFile(_pdf(title, lines), name=filename))
    return document


def _child(parent, model, slug, **fields):
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def demo_pages_load() -> dict:
    """Create the demo pages under the home page; returns how many pages of each kind exist."""

    home = HomePage.objects.first()
    if home is None:
        raise Page.DoesNotExist("The home page is missing: run the migrations first.")
    settings = SiteSettings.for_site(home.get_site())
    if not settings.hotline:
        settings.hotline = "1900 1234"
        settings.email = "hotro@example.invalid"
        settings.save()

    handbook = _document(
        HANDBOOK_TITLE,
        "so-tay-dich-vu-cong-truc-tuyen.pdf",
        [
            "1. Đăng nhập Cổng Dịch vụ công bằng VNeID.",
            "2. Tìm thủ tục, điền tờ khai, đính kèm giấy tờ.",
            "3. Thanh toán phí, lệ phí trực tuyến nếu có.",
            "4. Nhận kết quả tại một cửa hoặc qua bưu điện.",
        ],
    )
    leaflet = _document(
        LEAFLET_TITLE,
        "to-roi-buu-chinh-cong-ich.pdf",
        ["Gửi hồ sơ và nhận kết quả qua bưu điện:", "mang hồ sơ đến bưu cục hoặc gọi bưu tá đến nhà."],
    )
    # The demo media items of the document library get their files if they have none yet.
    for kind, document in ((MediaKind.HANDBOOK, handbook), (MediaKind.LEAFLET, leaflet)):
        MediaItem.objects.filter(kind=kind, document__isnull=True, campaign__slug="tanh-linh-2022").update(
            document=document
        )

    guide_index = _child(
        home,
        GuideIndexPage,
        "huong-dan",
        title="Hướng dẫn",
        show_in_menus=True,
        intro="<p>Từng bước làm thủ tục trực tuyến, có thể in ra làm sổ tay.</p>",
        search_description="Hướng dẫn từng bước sử dụng dịch vụ công trực tuyến và bưu chính công ích.",
    )
    screenshot = _screenshot()
    guides = []
    for data in _guides(screenshot):
        data = dict(data)
        use_handbook = data.pop("handbook", False)
        guides.append(
            _child(
                guide_index,
                GuidePage,
                data.pop("slug"),
                handbook=handbook if use_handbook else None,
                search_description=data["intro"],
                **data,
            )
        )
    first = guides[0]
    if not first.related_guides.exists():
        for order, guide in enumerate(guides[1:3]):
            GuideRelatedLink.objects.create(page=first, guide=guide, sort_order=order)

    news_index = _child(
        home,
        NewsIndexPage,
        "tin-tuc",
        title="Tin tức",
        show_in_menus=True,
        search_description="Tin về các đợt tuyên truyền, tập huấn dịch vụ công trực tuyến.",
    )
    campaigns = {campaign.slug: campaign for campaign in Campaign.objects.select_related("unit")}
    for data in NEWS:
        data = dict(data)
        tags = data.pop("tags")
        body = [{"type": "paragraph", "value": text} for text in data.pop("body")]
        news = _child(
            news_index,
            NewsPage,
            data.pop("slug"),
            campaign=campaigns.get(data.pop("campaign")),
            body=body,
            search_description=data["intro"],
            **data,
        )
        if not news.tags.exists():
            news.tags.add(*tags)
            news.save_revision().publish()

    for campaign in campaigns.values():
        if CampaignPage.objects.filter(campaign=campaign).exists():
            continue
        description = campaign.description or f"Đợt tuyên truyền tại {campaign.unit.name}."
        _child(
            home,
            CampaignPage,
            f"chien-dich-{campaign.slug}",
            title=campaign.name,
            campaign=campaign,
            intro=f"<p>{description}</p>",
            search_description=f"Kết quả và lớp tập huấn của đợt tuyên truyền: {campaign.name}.",
        )

    _child(
        home,
        TrainingCalendarPage,
        "lich-tap-huan",
        title="Lịch tập huấn",
        show_in_menus=True,
        intro="<p>Các lớp hướng dẫn miễn phí sắp tới. Chọn địa bàn để xem lớp gần bạn và đăng ký chỗ.</p>",
        search_description="Lịch các lớp hướng dẫn dịch vụ công trực tuyến sắp tới, đăng ký trực tuyến.",
    )
    _child(
        home,
        DocumentLibraryPage,
        "tai-lieu",
        title="Tài liệu",
        show_in_menus=True,
        intro="<p>Sổ tay, tờ rơi và tài liệu tuyên truyền để tải về và in.</p>",
        search_description="Sổ tay, tờ rơi hướng dẫn dịch vụ công trực tuyến để tải về.",
    )
    # The search index is normally updated by a background task after each save; the demo needs it now.
    for page in home.get_descendants(inclusive=True).specific():
        index.insert_or_update_object(page)
    ensure_moderation_workflow()
    return {
        "guides": GuidePage.objects.count(),
        "news": NewsPage.objects.count(),
        "campaign_pages": CampaignPage.objects.count(),
    }
