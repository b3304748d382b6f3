import type { ApiLanguage } from './messages.js';

type Texts = Record<string, Record<ApiLanguage, string>>;

/**
 * What is wrong with a file or a cell of it, and how to fix it, in every API language. Looked up as
 * `reason:import.<key>`; placeholders come from the problem's params.
 */
export const IMPORT_REASONS: Texts = {
  // The file as a whole.
  'import.unsupported': {
    en: 'it is neither a CSV text file nor an Excel workbook (.xlsx)',
    vi: 'đây không phải tệp văn bản CSV hay sổ tính Excel (.xlsx)',
    ar: 'ليس ملفًا نصيًا CSV ولا مصنف Excel (.xlsx)',
  },
  'import.encoding': {
    en: 'it is not {encoding} text (a byte near offset {offset} is not); save it as “CSV UTF-8”',
    vi: 'tệp không phải văn bản {encoding} (lỗi gần byte {offset}); hãy lưu lại dạng “CSV UTF-8”',
    ar: 'ليس نصًا بترميز {encoding} (بايت غير صالح قرب الموضع {offset})؛ احفظه بصيغة «CSV UTF-8»',
  },
  'import.encoding_unknown': {
    en: '“{encoding}” is not an encoding this server knows',
    vi: '“{encoding}” không phải bảng mã máy chủ hỗ trợ',
    ar: '«{encoding}» ليس ترميزًا يعرفه الخادم',
  },
  'import.empty': {
    en: 'it has no header row',
    vi: 'tệp không có dòng tiêu đề',
    ar: 'لا يحتوي على صف العناوين',
  },
  'import.too_many_columns': {
    en: 'line {line} has more than {max} columns',
    vi: 'dòng {line} có hơn {max} cột',
    ar: 'في السطر {line} أكثر من {max} عمودًا',
  },
  'import.record_too_large': {
    en: 'the row starting on line {line} is larger than {max} (a quote left open makes the rest of the file one cell)',
    vi: 'dòng bắt đầu ở dòng {line} lớn hơn {max} (một dấu ngoặc kép không đóng biến phần còn lại thành một ô)',
    ar: 'الصف الذي يبدأ في السطر {line} أكبر من {max} (علامة تنصيص غير مغلقة تجعل بقية الملف خلية واحدة)',
  },
  'import.csv_malformed': {
    en: 'line {line} is not valid CSV ({detail})',
    vi: 'dòng {line} không đúng định dạng CSV ({detail})',
    ar: 'السطر {line} ليس CSV صالحًا ({detail})',
  },
  'import.xlsx_corrupt': {
    en: 'it is not a readable Excel workbook ({detail}); open it in Excel or LibreOffice and save it again as .xlsx',
    vi: 'không đọc được sổ tính Excel ({detail}); hãy mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx',
    ar: 'ليس مصنف Excel مقروءًا ({detail})؛ افتحه في Excel أو LibreOffice واحفظه مجددًا بصيغة .xlsx',
  },
  'import.xlsx_too_large': {
    en: 'the workbook would unpack to more than {max}; split it or save it as CSV',
    vi: 'sổ tính khi giải nén lớn hơn {max}; hãy tách nhỏ hoặc lưu dạng CSV',
    ar: 'سيتجاوز المصنف عند فكّه {max}؛ قسّمه أو احفظه بصيغة CSV',
  },
  'import.no_sheet': {
    en: 'the workbook has no sheet named “{sheet}”',
    vi: 'sổ tính không có trang tính “{sheet}”',
    ar: 'لا يحتوي المصنف على ورقة باسم «{sheet}»',
  },
  'import.file_too_large': {
    en: 'it is larger than {max}',
    vi: 'tệp lớn hơn {max}',
    ar: 'حجمه أكبر من {max}',
  },
  // The mapping of columns to fields.
  'import.mapping_column': {
    en: 'the file has no column “{column}”',
    vi: 'tệp không có cột “{column}”',
    ar: 'لا يحتوي الملف على عمود «{column}»',
  },
  'import.mapping_required': {
    en: 'choose the column that holds “{label}”',
    vi: 'hãy chọn cột chứa “{label}”',
    ar: 'اختر العمود الذي يحتوي «{label}»',
  },
  'import.mapping_field': {
    en: '“{field}” is not a field of this import',
    vi: '“{field}” không phải trường của lượt nhập này',
    ar: '«{field}» ليس حقلًا في هذا الاستيراد',
  },
  // One cell.
  'import.required': {
    en: 'it is empty; every row needs it',
    vi: 'ô trống; dòng nào cũng phải có',
    ar: 'الخلية فارغة؛ كل صف يحتاجها',
  },
  'import.date': {
    en: '“{value}” is not a date; write it as dd/mm/yyyy or yyyy-mm-dd',
    vi: '“{value}” không phải ngày; hãy viết dạng dd/mm/yyyy hoặc yyyy-mm-dd',
    ar: '«{value}» ليس تاريخًا؛ اكتبه بصيغة dd/mm/yyyy أو yyyy-mm-dd',
  },
  'import.date_mdy': {
    en: '“{value}” is not a date; write it as mm/dd/yyyy or yyyy-mm-dd',
    vi: '“{value}” không phải ngày; hãy viết dạng mm/dd/yyyy hoặc yyyy-mm-dd',
    ar: '«{value}» ليس تاريخًا؛ اكتبه بصيغة mm/dd/yyyy أو yyyy-mm-dd',
  },
  'import.future': {
    en: '{value} lies after today',
    vi: 'ngày {value} ở sau hôm nay',
    ar: '{value} بعد اليوم',
  },
  'import.vocabulary': {
    en: '“{value}” is not in the list; use one of: {allowed}',
    vi: '“{value}” không có trong danh mục; hãy dùng một trong: {allowed}',
    ar: '«{value}» ليس في القائمة؛ استخدم أحد: {allowed}',
  },
  'import.number': {
    en: '“{value}” is not a number',
    vi: '“{value}” không phải là số',
    ar: '«{value}» ليس رقمًا',
  },
  'import.too_long': {
    en: 'it is longer than {max} characters',
    vi: 'dài hơn {max} ký tự',
    ar: 'أطول من {max} حرفًا',
  },
  'import.unit_unknown': {
    en: 'no unit with the code “{value}” stands in your part of the tree on {date}; check the code on the unit’s page',
    vi: 'không có tổ chức mã “{value}” trong phạm vi của bạn vào ngày {date}; hãy kiểm tra mã trên trang của tổ chức',
    ar: 'لا توجد وحدة بالرمز «{value}» ضمن نطاقك في {date}؛ تحقق من الرمز في صفحة الوحدة',
  },
  'import.unit_not_member_kind': {
    en: '“{value}” is a {kind}; members belong to {allowed}',
    vi: '“{value}” là {kind}; đảng viên sinh hoạt ở {allowed}',
    ar: '«{value}» من نوع {kind}؛ ينتمي الأعضاء إلى {allowed}',
  },
  'import.unit_ended': {
    en: 'unit “{value}” ended on {date}; give the unit the member belongs to now',
    vi: 'tổ chức “{value}” đã kết thúc ngày {date}; hãy ghi tổ chức đảng viên đang sinh hoạt',
    ar: 'انتهت الوحدة «{value}» في {date}؛ اذكر الوحدة التي ينتمي إليها العضو الآن',
  },
  'import.duplicate_in_file': {
    en: 'row {other} has the same national ID; a person is imported once',
    vi: 'dòng {other} có cùng số CCCD; mỗi người chỉ được nhập một lần',
    ar: 'للصف {other} رقم الهوية نفسه؛ يُستورد الشخص مرة واحدة',
  },
  'import.national_id_in_use': {
    en: 'a member with this national ID is already in the register',
    vi: 'đã có đảng viên mang số CCCD này trong sổ',
    ar: 'يوجد عضو بهذا الرقم في السجل بالفعل',
  },
  'import.sensitive': {
    en: 'you may not record national IDs, ethnicity or religion in this unit; leave the column unmapped or ask someone who may',
    vi: 'bạn không được ghi số CCCD, dân tộc, tôn giáo ở tổ chức này; hãy bỏ ghép cột hoặc nhờ người có quyền',
    ar: 'لا يحق لك تسجيل رقم الهوية أو العرق أو الدين في هذه الوحدة؛ اترك العمود دون ربط أو اطلب ممن يحق له',
  },
  'import.too_many_problems': {
    en: 'more than {max} problems; the rest are not listed — fix these and validate again',
    vi: 'hơn {max} lỗi; phần còn lại không được liệt kê — hãy sửa rồi kiểm tra lại',
    ar: 'أكثر من {max} مشكلة؛ لم تُدرج البقية — أصلح هذه ثم تحقق مجددًا',
  },
  // A row of a units file (issue 5): the tree it describes, checked as a reorganization order would be.
  'import.unit_code_duplicate': {
    en: 'row {other} has the same code; a code names one unit',
    vi: 'dòng {other} có cùng mã; mỗi mã chỉ dùng cho một tổ chức',
    ar: 'للصف {other} الرمز نفسه؛ الرمز يخص وحدة واحدة',
  },
  'import.unit_code_in_use': {
    en: 'the code “{value}” is held by “{holder}” from {date}; give this unit another code, or leave the row out if it is that unit',
    vi: 'mã “{value}” đang thuộc về “{holder}” từ ngày {date}; hãy đặt mã khác, hoặc bỏ dòng này nếu đó chính là tổ chức ấy',
    ar: 'الرمز «{value}» تحمله «{holder}» منذ {date}؛ أعطِ هذه الوحدة رمزًا آخر، أو احذف الصف إن كانت هي نفسها',
  },
  'import.parent_required': {
    en: 'a {kind} cannot stand at the top of the tree; give the code of the unit it sits under',
    vi: '{kind} không thể đứng ở cấp cao nhất; hãy ghi mã tổ chức cấp trên',
    ar: 'لا يمكن أن تكون {kind} في أعلى الشجرة؛ اذكر رمز الوحدة التي تتبعها',
  },
  'import.parent_required_scope': {
    en: 'only someone who may reorganize the whole organization adds a unit at the top; give the code of the unit it sits under',
    vi: 'chỉ người có quyền sắp xếp toàn bộ tổ chức mới được thêm tổ chức cấp cao nhất; hãy ghi mã tổ chức cấp trên',
    ar: 'لا يضيف وحدة في أعلى الشجرة إلا من يحق له إعادة تنظيم المنظمة كلها؛ اذكر رمز الوحدة التي تتبعها',
  },
  'import.unit_parent_kind': {
    en: 'a {kind} cannot sit under “{value}”, a {parentKind}; the rule pack places it under: {allowed}',
    vi: '{kind} không thể trực thuộc “{value}” ({parentKind}); theo quy định chỉ trực thuộc: {allowed}',
    ar: 'لا يمكن أن تتبع {kind} الوحدة «{value}» وهي {parentKind}؛ تسمح القواعد بأن تتبع: {allowed}',
  },
  'import.unit_kind_not_in_force': {
    en: 'the rule pack does not allow a {kind} on {date}; check the date or the kind',
    vi: 'theo quy định không có loại {kind} vào ngày {date}; hãy kiểm tra lại ngày hoặc loại',
    ar: 'لا تسمح القواعد بنوع {kind} في {date}؛ تحقق من التاريخ أو النوع',
  },
  'import.unit_cycle': {
    en: 'the parents form a loop ({chain}); one of these units must sit under a unit outside the loop',
    vi: 'các tổ chức cấp trên tạo thành vòng lặp ({chain}); một trong số đó phải trực thuộc tổ chức ngoài vòng',
    ar: 'تشكّل الوحدات الأم حلقة ({chain})؛ يجب أن تتبع إحدى هذه الوحدات وحدة خارج الحلقة',
  },
  'import.parent_not_standing': {
    en: 'parent “{value}” does not stand the whole time this unit does ({from} – {until}); its dates must lie within its parent’s',
    vi: 'tổ chức cấp trên “{value}” không tồn tại suốt thời gian của tổ chức này ({from} – {until}); thời gian phải nằm trong thời gian của cấp trên',
    ar: 'الوحدة الأم «{value}» لا تقوم طوال مدة هذه الوحدة ({from} – {until})؛ يجب أن تقع تواريخها ضمن تواريخ الوحدة الأم',
  },
  'import.until_before_from': {
    en: '{value} is not after the date the unit starts ({from}); leave it empty while the unit stands',
    vi: 'ngày {value} không sau ngày bắt đầu ({from}); hãy để trống nếu tổ chức vẫn đang hoạt động',
    ar: '{value} ليس بعد تاريخ بدء الوحدة ({from})؛ اتركه فارغًا ما دامت الوحدة قائمة',
  },
  'export.members_sheet': { en: 'Members', vi: 'Đảng viên', ar: 'الأعضاء' },
  'import.problems_sheet': { en: 'Problems', vi: 'Lỗi', ar: 'المشكلات' },
  'import.template_column_missing': {
    en: 'the template maps “{label}” to column “{column}”, which this file does not have',
    vi: 'mẫu ghép “{label}” với cột “{column}”, nhưng tệp này không có cột đó',
    ar: 'يربط القالب «{label}» بالعمود «{column}»، وهو غير موجود في هذا الملف',
  },
  // A row of an events file (issue 5): a member already in the register, replayed with the file's events.
  'import.member_unknown': {
    en: 'no member with the number or national ID “{value}” is in your part of the register; check the member number on the member’s page',
    vi: 'không có đảng viên số hiệu hoặc số CCCD “{value}” trong phạm vi của bạn; hãy kiểm tra số hiệu trên trang của đảng viên',
    ar: 'لا يوجد عضو بالرقم أو رقم الهوية «{value}» ضمن نطاقك؛ تحقق من رقم العضو في صفحته',
  },
  'import.event_type': {
    en: '“{value}” is not an event that can be recorded; use one of: {allowed}',
    vi: '“{value}” không phải sự kiện được ghi nhận; hãy dùng một trong: {allowed}',
    ar: '«{value}» ليس حدثًا يمكن تسجيله؛ استخدم أحد: {allowed}',
  },
  'import.event_reorganization': {
    en: 'moves by reorganization are written by the order that made them; leave the row out',
    vi: 'việc chuyển theo sắp xếp tổ chức do quyết định sắp xếp tự ghi; hãy bỏ dòng này',
    ar: 'النقل بإعادة التنظيم يسجله الأمر الذي أحدثه؛ احذف هذا الصف',
  },
  'import.event_detail': {
    en: '“{value}” is not a detail of an event; write “Label: value” pairs separated by “;” as the events export does',
    vi: '“{value}” không phải chi tiết của sự kiện; hãy ghi các cặp “Tên: giá trị” cách nhau bởi “;” như tệp xuất sự kiện',
    ar: '«{value}» ليس من تفاصيل الحدث؛ اكتب أزواج «الاسم: القيمة» مفصولة بـ«;» كما في تصدير الأحداث',
  },
  'import.event_exists': {
    en: 'this member already has this event on {date} in the register; leave the row out',
    vi: 'đảng viên đã có sự kiện này vào ngày {date} trong sổ; hãy bỏ dòng này',
    ar: 'لدى العضو هذا الحدث في {date} في السجل بالفعل؛ احذف هذا الصف',
  },
  'import.event_duplicate': {
    en: 'row {other} has the same event for the same member on the same day; keep one of them',
    vi: 'dòng {other} có cùng sự kiện của cùng đảng viên trong cùng ngày; hãy giữ lại một dòng',
    ar: 'للصف {other} الحدث نفسه للعضو نفسه في اليوم نفسه؛ أبقِ أحدهما',
  },
  'import.event_out_of_reach': {
    en: 'on {date} this member stood outside your part of the tree (or the event takes them there); an officer over that unit records it',
    vi: 'vào ngày {date} đảng viên này ở ngoài phạm vi của bạn (hoặc sự kiện đưa họ ra ngoài); cấp ủy quản lý tổ chức đó ghi sự kiện này',
    ar: 'في {date} كان هذا العضو خارج نطاقك (أو ينقله الحدث إلى خارجه)؛ يسجله مسؤول تلك الوحدة',
  },
  'import.event_breaks_later': {
    en: 'with this event, the member’s event of {date} breaks a rule: {explanation}; fix or leave out the row',
    vi: 'với sự kiện này, sự kiện ngày {date} của đảng viên vi phạm quy định: {explanation}; hãy sửa hoặc bỏ dòng này',
    ar: 'مع هذا الحدث يخالف حدث العضو في {date} قاعدة: {explanation}؛ صحّح الصف أو احذفه',
  },
  'import.card_word': {
    en: '“{value}” is not one of: {allowed}',
    vi: '“{value}” không thuộc: {allowed}',
    ar: '«{value}» ليس من: {allowed}',
  },
  'import.card_end_pair': {
    en: 'a card that ended needs both the day it ended and why; fill both cells or neither',
    vi: 'thẻ hết hiệu lực cần cả ngày và lý do; hãy điền cả hai ô hoặc để trống cả hai',
    ar: 'البطاقة المنتهية تحتاج إلى يوم الانتهاء وسببه معًا؛ املأ الخانتين أو اتركهما فارغتين',
  },
  'import.card_end_before_issue': {
    en: 'the card cannot end ({value}) before it was issued ({date})',
    vi: 'thẻ không thể hết hiệu lực ({value}) trước ngày cấp ({date})',
    ar: 'لا يمكن أن تنتهي البطاقة ({value}) قبل إصدارها ({date})',
  },
  'import.card_exists': {
    en: 'this member already has card {value} issued on {date} in the register; leave the row out',
    vi: 'đảng viên đã có thẻ {value} cấp ngày {date} trong sổ; hãy bỏ dòng này',
    ar: 'لدى العضو البطاقة {value} الصادرة في {date} في السجل بالفعل؛ احذف هذا الصف',
  },
  'import.card_duplicate': {
    en: 'row {other} gives the same member a card on the same day; keep one of them',
    vi: 'dòng {other} cũng cấp thẻ cho đảng viên này trong cùng ngày; hãy giữ lại một dòng',
    ar: 'الصف {other} يمنح العضو نفسه بطاقة في اليوم نفسه؛ أبقِ أحدهما',
  },
  'import.card_before_stored': {
    en: 'the register already holds a later card of this member (issued on {date}); a file adds cards after those recorded',
    vi: 'sổ đã có thẻ cấp sau của đảng viên này (ngày {date}); tệp chỉ bổ sung các thẻ cấp sau những thẻ đã ghi',
    ar: 'في السجل بطاقة أحدث لهذا العضو (صدرت في {date})؛ يضيف الملف البطاقات بعد المسجلة فقط',
  },
  'import.card_number_in_use': {
    en: 'card number {value} is still valid for another member ({member}); card numbers are unique among valid cards',
    vi: 'số thẻ {value} đang còn hiệu lực của đảng viên khác ({member}); số thẻ không được trùng giữa các thẻ còn hiệu lực',
    ar: 'رقم البطاقة {value} ما زال صالحًا لعضو آخر ({member})؛ أرقام البطاقات الصالحة لا تتكرر',
  },
  'import.card_ended_after_next': {
    en: 'the card is said to end on {value}, but the card of row {other} replaced it on {date}',
    vi: 'thẻ được ghi hết hiệu lực ngày {value}, nhưng thẻ ở dòng {other} đã thay nó từ ngày {date}',
    ar: 'ذُكر أن البطاقة تنتهي في {value}، لكن بطاقة الصف {other} حلت محلها في {date}',
  },
  'import.campaign_unknown': {
    en: 'no exchange campaign is named “{value}”; write its name as on the campaign page, or #id',
    vi: 'không có đợt đổi thẻ tên “{value}”; hãy ghi tên như trên trang đợt đổi thẻ, hoặc #mã',
    ar: 'لا توجد حملة استبدال باسم «{value}»؛ اكتب اسمها كما في صفحة الحملة، أو #الرقم',
  },
  'import.campaign_required': {
    en: 'an exchange names its campaign; fill “Exchange campaign”',
    vi: 'việc đổi thẻ phải ghi đợt đổi thẻ; hãy điền “Đợt đổi thẻ”',
    ar: 'الاستبدال يذكر حملته؛ املأ «حملة الاستبدال»',
  },
  'import.card_recover_not_left': {
    en: 'a card is recovered or kept by the family only after the member left; on {date} this person is {status}',
    vi: 'thẻ chỉ thu hồi hoặc do gia đình giữ sau khi đảng viên ra khỏi Đảng; ngày {date} người này {status}',
    ar: 'تُسترد البطاقة أو تحتفظ بها الأسرة فقط بعد خروج العضو؛ في {date} هذا الشخص {status}',
  },
  // Why a step cannot run now.
  'import.validate_first': {
    en: 'validate the file first',
    vi: 'hãy kiểm tra tệp trước',
    ar: 'تحقق من الملف أولًا',
  },
  'import.running': {
    en: 'it is running; wait for it or cancel it',
    vi: 'đang chạy; hãy chờ hoặc hủy',
    ar: 'قيد التشغيل؛ انتظره أو ألغِه',
  },
  'import.finished': {
    en: 'it has finished',
    vi: 'đã kết thúc',
    ar: 'انتهى',
  },
};
