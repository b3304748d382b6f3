import type { ErrorCode, ErrorParams } from './errors.js';
import { FIGURES_REASONS } from './figures-messages.js';
import { IMPORT_REASONS } from './import-messages.js';
import { MEMBER_REASONS } from './member-messages.js';

/** Languages the API speaks. Add a language by adding a column to every entry below. */
export const API_LANGUAGES = ['en', 'vi', 'ar'] as const;
export type ApiLanguage = (typeof API_LANGUAGES)[number];

type Catalog = Record<ErrorCode, Record<ApiLanguage, string>>;

/**
 * User-facing messages. Placeholders in braces are filled from the error's params; `{field}` is the
 * field at fault. Keep them short, name what is wrong and, where possible, what to do.
 */
const CATALOG: Catalog = {
  validation_failed: {
    en: 'The value of “{field}” is not valid: {reason}.',
    vi: 'Giá trị của “{field}” không hợp lệ: {reason}.',
    ar: 'قيمة «{field}» غير صالحة: {reason}.',
  },
  invalid_date: {
    en: '“{field}” must be a calendar date written as YYYY-MM-DD; “{value}” is not.',
    vi: '“{field}” phải là một ngày hợp lệ dạng YYYY-MM-DD; “{value}” không phải.',
    ar: 'يجب أن يكون «{field}» تاريخًا صحيحًا بالصيغة YYYY-MM-DD، و«{value}» ليس كذلك.',
  },
  not_found: {
    en: 'Nothing was found at this address.',
    vi: 'Không tìm thấy nội dung tại địa chỉ này.',
    ar: 'لم يُعثر على شيء في هذا العنوان.',
  },
  unit_not_found: {
    en: 'Unit {unit} does not exist.',
    vi: 'Tổ chức {unit} không tồn tại.',
    ar: 'الوحدة {unit} غير موجودة.',
  },
  order_not_found: {
    en: 'Reorganization order {order} does not exist.',
    vi: 'Quyết định sắp xếp tổ chức {order} không tồn tại.',
    ar: 'أمر إعادة التنظيم {order} غير موجود.',
  },
  unknown_kind: {
    en: 'There is no unit kind “{kind}” in the rule pack.',
    vi: 'Bộ quy tắc không có loại tổ chức “{kind}”.',
    ar: 'لا يوجد نوع وحدة «{kind}» في حزمة القواعد.',
  },
  kind_not_in_force: {
    en: 'A {kind} cannot be used on {date}: the rule pack allows it {period}.',
    vi: 'Không thể dùng loại {kind} vào ngày {date}: bộ quy tắc chỉ cho phép {period}.',
    ar: 'لا يمكن استخدام {kind} في {date}: تسمح به حزمة القواعد {period}.',
  },
  wrong_parent_kind: {
    en: 'A {kind} cannot sit under a {parentKind} ({unit} under {parent}).',
    vi: '{kind} không thể trực thuộc {parentKind} ({unit} trực thuộc {parent}).',
    ar: 'لا يمكن أن تتبع {kind} إلى {parentKind} ({unit} تحت {parent}).',
  },
  parent_required: {
    en: 'A {kind} needs a parent unit ({unit}).',
    vi: '{kind} phải có tổ chức cấp trên ({unit}).',
    ar: 'تحتاج {kind} إلى وحدة أعلى ({unit}).',
  },
  cycle: {
    en: 'Unit {unit} cannot be placed under {parent}: {parent} lies inside its own subtree.',
    vi: 'Không thể đặt {unit} trực thuộc {parent}: {parent} nằm trong chính nhánh của nó.',
    ar: 'لا يمكن وضع {unit} تحت {parent}: لأن {parent} يقع داخل فرعها.',
  },
  code_in_use: {
    en: 'The code “{code}” is already used by a unit live on {date} ({holder}).',
    vi: 'Mã “{code}” đang được dùng bởi một tổ chức còn hoạt động vào ngày {date} ({holder}).',
    ar: 'الرمز «{code}» مستخدم بالفعل لوحدة قائمة في {date} ({holder}).',
  },
  unit_not_live: {
    en: 'Unit {unit} does not exist on {date}.',
    vi: 'Tổ chức {unit} không tồn tại vào ngày {date}.',
    ar: 'الوحدة {unit} غير موجودة في {date}.',
  },
  unit_still_live: {
    en: 'Unit {unit} is still live on {date}; only a dissolved unit can be reinstated.',
    vi: 'Tổ chức {unit} vẫn đang hoạt động vào ngày {date}; chỉ khôi phục được tổ chức đã giải thể.',
    ar: 'الوحدة {unit} ما زالت قائمة في {date}؛ لا يُعاد إلا ما حُلّ.',
  },
  has_children: {
    en: 'Unit {unit} still has {count} unit(s) under it on {date}; move or dissolve them in the same order.',
    vi: 'Tổ chức {unit} vẫn còn {count} tổ chức trực thuộc vào ngày {date}; hãy chuyển hoặc giải thể chúng trong cùng quyết định.',
    ar: 'ما زالت تحت الوحدة {unit} {count} وحدة في {date}؛ انقلها أو حلّها في الأمر نفسه.',
  },
  merge_needs_two: {
    en: 'A merge needs at least two units, counting the surviving one.',
    vi: 'Hợp nhất cần ít nhất hai tổ chức, kể cả tổ chức được giữ lại.',
    ar: 'يحتاج الدمج إلى وحدتين على الأقل، بما فيها الوحدة الباقية.',
  },
  split_needs_two: {
    en: 'A split needs at least two resulting units.',
    vi: 'Chia tách cần ít nhất hai tổ chức mới.',
    ar: 'يحتاج التقسيم إلى وحدتين ناتجتين على الأقل.',
  },
  split_allocation: {
    en: 'Every unit under {unit} must go to exactly one part of the split: {problem}.',
    vi: 'Mỗi tổ chức trực thuộc {unit} phải được phân về đúng một phần sau chia tách: {problem}.',
    ar: 'يجب أن تذهب كل وحدة تحت {unit} إلى جزء واحد فقط من التقسيم: {problem}.',
  },
  subtree_too_large: {
    en: '{unit} holds {members} members; looking for duplicate records covers at most {max} at a time. Choose a unit below it.',
    vi: '{unit} có {members} đảng viên; việc tìm hồ sơ trùng lặp chỉ xét tối đa {max} đảng viên mỗi lần. Hãy chọn một tổ chức trực thuộc.',
    ar: 'تضم {unit} {members} عضوًا؛ البحث عن السجلات المكررة يشمل {max} عضوًا على الأكثر في كل مرة. اختر وحدة تحتها.',
  },
  duplicate_unit_in_operation: {
    en: 'Unit {unit} appears twice in the same operation.',
    vi: 'Tổ chức {unit} xuất hiện hai lần trong cùng một thao tác.',
    ar: 'تظهر الوحدة {unit} مرتين في العملية نفسها.',
  },
  later_change_conflict: {
    en: 'Unit {unit} is changed again on {laterDate} by order {laterOrder}; reverse that order first or date this one later.',
    vi: 'Tổ chức {unit} đã được thay đổi vào ngày {laterDate} theo quyết định {laterOrder}; hãy hủy quyết định đó trước hoặc đặt ngày hiệu lực muộn hơn.',
    ar: 'تتغير الوحدة {unit} مرة أخرى في {laterDate} بالأمر {laterOrder}؛ ألغِ ذلك الأمر أولًا أو اجعل تاريخ هذا الأمر لاحقًا.',
  },
  order_not_draft: {
    en: 'Order {order} has already been applied; an applied order is undone by a reversing order, never edited.',
    vi: 'Quyết định {order} đã được thi hành; chỉ có thể hủy bằng một quyết định đảo ngược, không được sửa.',
    ar: 'طُبّق الأمر {order} بالفعل؛ يُلغى الأمر المطبّق بأمر عكسي ولا يُعدّل.',
  },
  order_already_reversed: {
    en: 'Order {order} has already been reversed by order {reversal}.',
    vi: 'Quyết định {order} đã được đảo ngược bởi quyết định {reversal}.',
    ar: 'أُلغي الأمر {order} بالفعل بالأمر {reversal}.',
  },
  order_not_applied: {
    en: 'Order {order} is still a draft; only an applied order can be reversed.',
    vi: 'Quyết định {order} vẫn là bản nháp; chỉ quyết định đã thi hành mới có thể đảo ngược.',
    ar: 'الأمر {order} ما زال مسودة؛ لا يُعكس إلا أمر مطبّق.',
  },
  integrity_conflict: {
    en: 'The change conflicts with what is already recorded ({constraint}); nothing was saved. Reload and check the dates.',
    vi: 'Thay đổi mâu thuẫn với dữ liệu đã ghi nhận ({constraint}); chưa có gì được lưu. Hãy tải lại và kiểm tra ngày.',
    ar: 'يتعارض التغيير مع ما هو مسجل ({constraint})؛ لم يُحفظ شيء. أعد التحميل وتحقق من التواريخ.',
  },
  order_has_violations: {
    en: 'The order breaks {count} rule(s) and was not applied. Preview it to see them.',
    vi: 'Quyết định vi phạm {count} quy tắc nên chưa được thi hành. Hãy xem trước để biết chi tiết.',
    ar: 'يخالف الأمر {count} قاعدة ولم يُطبّق. اعرضه مسبقًا لرؤيتها.',
  },
  precondition_required: {
    en: 'Send the If-Match header with the version you last read, so a newer change is not overwritten.',
    vi: 'Hãy gửi tiêu đề If-Match với phiên bản bạn đã đọc, để không ghi đè thay đổi mới hơn.',
    ar: 'أرسل الترويسة If-Match مع آخر نسخة قرأتها، حتى لا تُكتب فوق تغيير أحدث.',
  },
  version_conflict: {
    en: 'Someone else changed this record since you read it (now version {current}). Reload and try again.',
    vi: 'Bản ghi đã được người khác thay đổi sau khi bạn đọc (phiên bản hiện tại {current}). Hãy tải lại và thử lại.',
    ar: 'غيّر شخص آخر هذا السجل بعد قراءتك له (النسخة الحالية {current}). أعد التحميل وحاول مجددًا.',
  },
  demo_needs_empty_database: {
    en: 'The demo organization can only be loaded into an empty database.',
    vi: 'Chỉ có thể nạp tổ chức mẫu vào cơ sở dữ liệu trống.',
    ar: 'لا يمكن تحميل المنظمة التجريبية إلا في قاعدة بيانات فارغة.',
  },
  unauthenticated: {
    en: 'You are not signed in, or your session has ended. Sign in and try again.',
    vi: 'Bạn chưa đăng nhập hoặc phiên làm việc đã hết hạn. Hãy đăng nhập rồi thử lại.',
    ar: 'لم تسجّل الدخول أو انتهت جلستك. سجّل الدخول وحاول مجددًا.',
  },
  sign_in_failed: {
    en: 'Sign-in failed: the user name or password is wrong, or the account is locked for a while. Check them and try again later, or ask an administrator.',
    vi: 'Đăng nhập không thành công: tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa. Hãy kiểm tra và thử lại sau, hoặc liên hệ quản trị viên.',
    ar: 'تعذّر تسجيل الدخول: اسم المستخدم أو كلمة المرور غير صحيحة، أو أن الحساب مقفل مؤقتًا. تحقّق منهما وحاول لاحقًا، أو اسأل المسؤول.',
  },
  forbidden: {
    en: 'Your role does not allow this ({permission}). Ask an administrator if you need it.',
    vi: 'Vai trò của bạn không cho phép thao tác này ({permission}). Hãy đề nghị quản trị viên nếu bạn cần.',
    ar: 'دورك لا يسمح بهذا ({permission}). اطلب ذلك من المسؤول إن احتجت إليه.',
  },
  csrf_token_invalid: {
    en: 'This request did not carry the page’s security token. Reload the page and try again.',
    vi: 'Yêu cầu thiếu mã bảo mật của trang. Hãy tải lại trang rồi thử lại.',
    ar: 'لم يحمل هذا الطلب رمز الأمان الخاص بالصفحة. أعد تحميل الصفحة وحاول مجددًا.',
  },
  current_password_wrong: {
    en: 'The current password is not right. Type it again; your password was not changed.',
    vi: 'Mật khẩu hiện tại không đúng. Hãy nhập lại; mật khẩu chưa được thay đổi.',
    ar: 'كلمة المرور الحالية غير صحيحة. اكتبها مجددًا؛ لم تُغيَّر كلمة مرورك.',
  },
  organization_wide_only: {
    en: 'This needs {permission} over the whole organization; your grant covers only part of it. Ask an administrator.',
    vi: 'Thao tác này cần quyền {permission} trên toàn tổ chức; phân quyền của bạn chỉ bao gồm một phần. Hãy liên hệ quản trị viên.',
    ar: 'يتطلب هذا صلاحية {permission} على المنظمة كلها؛ تفويضك يشمل جزءًا منها فقط. اسأل المسؤول.',
  },
  session_required: {
    en: 'Credentials are managed from a signed-in browser session, not with an API token. Sign in to the web app to do this.',
    vi: 'Thông tin đăng nhập chỉ được quản lý trong phiên đăng nhập trên trình duyệt, không dùng mã truy cập API. Hãy đăng nhập ứng dụng web để làm việc này.',
    ar: 'تُدار بيانات الاعتماد من جلسة متصفح مسجّلة الدخول، لا برمز الواجهة البرمجية. سجّل الدخول إلى تطبيق الويب للقيام بذلك.',
  },
  too_many_requests: {
    en: 'Too many attempts. Wait {retry} and try again.',
    vi: 'Quá nhiều lần thử. Hãy chờ {retry} rồi thử lại.',
    ar: 'محاولات كثيرة جدًا. انتظر {retry} ثم حاول مجددًا.',
  },
  setup_already_done: {
    en: 'The first administrator already exists. Sign in instead.',
    vi: 'Quản trị viên đầu tiên đã được tạo. Hãy đăng nhập.',
    ar: 'المسؤول الأول موجود بالفعل. سجّل الدخول بدلًا من ذلك.',
  },
  user_not_found: {
    en: 'User {user} does not exist.',
    vi: 'Người dùng {user} không tồn tại.',
    ar: 'المستخدم {user} غير موجود.',
  },
  role_not_found: {
    en: 'There is no role “{role}”.',
    vi: 'Không có vai trò “{role}”.',
    ar: 'لا يوجد دور «{role}».',
  },
  grant_not_found: {
    en: 'Grant {grant} does not exist.',
    vi: 'Phân quyền {grant} không tồn tại.',
    ar: 'التفويض {grant} غير موجود.',
  },
  token_not_found: {
    en: 'API token {token} does not exist.',
    vi: 'Mã truy cập API {token} không tồn tại.',
    ar: 'رمز الواجهة البرمجية {token} غير موجود.',
  },
  audit_event_not_found: {
    en: 'Audit event {event} does not exist.',
    vi: 'Sự kiện nhật ký {event} không tồn tại.',
    ar: 'حدث التدقيق {event} غير موجود.',
  },
  username_taken: {
    en: 'The user name “{username}” is already taken. Choose another.',
    vi: 'Tên đăng nhập “{username}” đã được dùng. Hãy chọn tên khác.',
    ar: 'اسم المستخدم «{username}» مستخدم بالفعل. اختر اسمًا آخر.',
  },
  role_code_taken: {
    en: 'A role with the code “{role}” already exists.',
    vi: 'Đã có vai trò mang mã “{role}”.',
    ar: 'يوجد دور بالرمز «{role}» بالفعل.',
  },
  role_in_use: {
    en: 'Role “{role}” is still granted to {count} people. Revoke those grants first.',
    vi: 'Vai trò “{role}” vẫn đang được giao cho {count} người. Hãy thu hồi trước.',
    ar: 'الدور «{role}» ما زال ممنوحًا لـ {count} أشخاص. ألغِ هذه التفويضات أولًا.',
  },
  builtin_role: {
    en: 'Role “{role}” comes with Rollbook and cannot be changed or deleted. Define a role of your own instead.',
    vi: 'Vai trò “{role}” có sẵn trong Rollbook, không thể sửa hay xóa. Hãy tạo vai trò riêng.',
    ar: 'الدور «{role}» مدمج في Rollbook ولا يمكن تعديله أو حذفه. عرّف دورًا خاصًا بك بدلًا منه.',
  },
  weak_password: {
    en: 'The password is too weak: {reason}.',
    vi: 'Mật khẩu quá yếu: {reason}.',
    ar: 'كلمة المرور ضعيفة: {reason}.',
  },
  last_administrator: {
    en: 'This would leave nobody able to manage users across the whole organization. Give another person that role first.',
    vi: 'Thao tác này sẽ khiến không còn ai quản lý người dùng toàn tổ chức. Hãy giao vai trò đó cho người khác trước.',
    ar: 'سيؤدي هذا إلى عدم وجود أحد يدير المستخدمين على مستوى المنظمة كلها. امنح هذا الدور لشخص آخر أولًا.',
  },
  single_sign_on_failed: {
    en: 'Single sign-on did not complete: {reason}. Try again, or sign in with your password.',
    vi: 'Đăng nhập một lần không thành công: {reason}. Hãy thử lại hoặc đăng nhập bằng mật khẩu.',
    ar: 'لم يكتمل الدخول الموحّد: {reason}. حاول مجددًا أو سجّل الدخول بكلمة المرور.',
  },
  single_sign_on_not_configured: {
    en: 'Single sign-on is not set up on this server. Sign in with your password.',
    vi: 'Máy chủ này chưa cấu hình đăng nhập một lần. Hãy đăng nhập bằng mật khẩu.',
    ar: 'لم يُعدّ الدخول الموحّد على هذا الخادم. سجّل الدخول بكلمة المرور.',
  },
  member_rule_broken: {
    en: 'Refused: {explanation}. Rule ({ruleSet}): {source}.',
    vi: 'Không thể ghi: {explanation}. Quy định ({ruleSet}): {source}.',
    ar: 'مرفوض: {explanation}. القاعدة ({ruleSet}): {source}.',
  },
  member_not_found: {
    en: 'Member {member} does not exist.',
    vi: 'Đảng viên {member} không tồn tại.',
    ar: 'العضو {member} غير موجود.',
  },
  member_event_not_found: {
    en: 'Event {event} of this member does not exist.',
    vi: 'Sự kiện {event} của đảng viên này không tồn tại.',
    ar: 'الحدث {event} لهذا العضو غير موجود.',
  },
  event_already_corrected: {
    en: 'Event {event} was already corrected; correct the event that replaced it.',
    vi: 'Sự kiện {event} đã được đính chính; hãy đính chính sự kiện thay thế nó.',
    ar: 'صُحّح الحدث {event} بالفعل؛ صحّح الحدث الذي حلّ محله.',
  },
  national_id_in_use: {
    en: 'National ID {nationalId} already belongs to member {member}. If they are the same person, merge the records.',
    vi: 'Số định danh {nationalId} đã thuộc về đảng viên {member}. Nếu là cùng một người, hãy hợp nhất hồ sơ.',
    ar: 'رقم الهوية {nationalId} يخص العضو {member}. إن كانا الشخص نفسه فادمج السجلين.',
  },
  unit_has_members: {
    en: 'Unit {unit} still has {count} members and nothing to pass them to: merge it into a unit, or transfer the members first.',
    vi: 'Tổ chức {unit} còn {count} đảng viên mà không có nơi tiếp nhận: hãy hợp nhất vào một tổ chức, hoặc chuyển sinh hoạt đảng viên trước.',
    ar: 'لا تزال الوحدة {unit} تضم {count} عضوًا ولا جهة تنتقل إليها: ادمجها في وحدة أو انقل الأعضاء أولًا.',
  },
  card_number_in_use: {
    en: 'Card number {number} is already on a valid card (member {member}).',
    vi: 'Số thẻ {number} đang thuộc một thẻ còn giá trị (đảng viên {member}).',
    ar: 'رقم البطاقة {number} مستخدم في بطاقة سارية (العضو {member}).',
  },
  campaign_not_found: {
    en: 'Card exchange campaign {campaign} does not exist.',
    vi: 'Đợt đổi thẻ {campaign} không tồn tại.',
    ar: 'حملة استبدال البطاقات {campaign} غير موجودة.',
  },
  import_not_found: {
    en: 'Import {import} does not exist.',
    vi: 'Lượt nhập dữ liệu {import} không tồn tại.',
    ar: 'عملية الاستيراد {import} غير موجودة.',
  },
  import_file_unreadable: {
    en: 'The file cannot be read: {reason}. Nothing was imported.',
    vi: 'Không đọc được tệp: {reason}. Chưa có dữ liệu nào được nhập.',
    ar: 'تعذّرت قراءة الملف: {reason}. لم يُستورد شيء.',
  },
  import_not_ready: {
    en: 'Import {import} is {status}: {reason}.',
    vi: 'Lượt nhập {import} đang ở trạng thái {status}: {reason}.',
    ar: 'عملية الاستيراد {import} في حالة {status}: {reason}.',
  },
  import_has_problems: {
    en: 'The file has {count} problems; nothing was imported. Fix them (see the list of problems) and upload it again.',
    vi: 'Tệp có {count} lỗi; chưa có dữ liệu nào được nhập. Hãy sửa (xem danh sách lỗi) rồi tải lên lại.',
    ar: 'في الملف {count} مشكلة؛ لم يُستورد شيء. أصلحها (انظر قائمة المشكلات) ثم ارفع الملف مجددًا.',
  },
  import_template_not_found: {
    en: 'Mapping template {template} does not exist.',
    vi: 'Mẫu ghép cột {template} không tồn tại.',
    ar: 'قالب ربط الأعمدة {template} غير موجود.',
  },
  import_template_name_taken: {
    en: 'A mapping template named “{name}” already exists. Choose another name, or update that template.',
    vi: 'Đã có mẫu ghép cột tên “{name}”. Hãy chọn tên khác hoặc cập nhật mẫu đó.',
    ar: 'يوجد قالب ربط أعمدة باسم «{name}» بالفعل. اختر اسمًا آخر أو حدّث ذلك القالب.',
  },
  pdf_unavailable: {
    en: 'This server cannot make PDF files now: its Chromium browser is missing or did not start. Ask the administrator to install it (or set ROLLBOOK_CHROMIUM_PATH); CSV and Excel files still work.',
    vi: 'Máy chủ hiện không tạo được tệp PDF: thiếu trình duyệt Chromium hoặc không khởi động được. Hãy đề nghị quản trị viên cài đặt (hoặc đặt ROLLBOOK_CHROMIUM_PATH); tệp CSV và Excel vẫn dùng được.',
    ar: 'لا يستطيع هذا الخادم إنشاء ملفات PDF الآن: متصفح Chromium غير موجود أو لم يبدأ. اطلب من المسؤول تثبيته (أو ضبط ROLLBOOK_CHROMIUM_PATH)؛ ملفات CSV وExcel ما زالت تعمل.',
  },
  internal_error: {
    en: 'Something went wrong on the server. The change was not saved.',
    vi: 'Máy chủ gặp lỗi. Thay đổi chưa được lưu.',
    ar: 'حدث خطأ في الخادم. لم يُحفظ التغيير.',
  },
};

/**
 * Reasons and problems inside messages ("it is required", "C1 goes nowhere"). A param whose value is
 * `reason:<key>` is replaced by the reason in the reader's language, filled from the same params.
 */
const REASONS: Record<string, Record<ApiLanguage, string>> = {
  required: { en: 'it is required', vi: 'bắt buộc phải có', ar: 'هو مطلوب' },
  type: { en: 'it has the wrong type', vi: 'sai kiểu dữ liệu', ar: 'نوعه غير صحيح' },
  minLength: { en: 'it is too short', vi: 'quá ngắn', ar: 'قصير جدًا' },
  maxLength: { en: 'it is too long', vi: 'quá dài', ar: 'طويل جدًا' },
  minimum: { en: 'it is too small', vi: 'quá nhỏ', ar: 'صغير جدًا' },
  maximum: { en: 'it is too large', vi: 'quá lớn', ar: 'كبير جدًا' },
  minItems: { en: 'it has too few items', vi: 'có quá ít phần tử', ar: 'عناصره قليلة جدًا' },
  maxItems: { en: 'it has too many items', vi: 'có quá nhiều phần tử', ar: 'عناصره كثيرة جدًا' },
  enum: {
    en: 'it is not one of the allowed values',
    vi: 'không thuộc các giá trị cho phép',
    ar: 'ليس من القيم المسموحة',
  },
  const: { en: 'it is not the allowed value', vi: 'không phải giá trị cho phép', ar: 'ليس القيمة المسموحة' },
  pattern: {
    en: 'it must not be blank or malformed',
    vi: 'không được để trống hoặc sai định dạng',
    ar: 'يجب ألا يكون فارغًا أو مشوّهًا',
  },
  additionalProperties: {
    en: 'it is not a known field',
    vi: 'không phải trường được hỗ trợ',
    ar: 'ليس حقلًا معروفًا',
  },
  anyOf: {
    en: 'it matches none of the accepted shapes',
    vi: 'không khớp dạng nào được chấp nhận',
    ar: 'لا يطابق أي شكل مقبول',
  },
  oneOf: {
    en: 'it matches none of the accepted shapes',
    vi: 'không khớp dạng nào được chấp nhận',
    ar: 'لا يطابق أي شكل مقبول',
  },
  discriminator: {
    en: 'it is not a known kind of operation',
    vi: 'không phải loại thao tác được hỗ trợ',
    ar: 'ليس نوع عملية معروفًا',
  },
  invalid: { en: 'it is not valid', vi: 'không hợp lệ', ar: 'غير صالح' },
  choose_unit: { en: 'choose a unit', vi: 'hãy chọn một tổ chức', ar: 'اختر وحدة' },
  json: { en: 'it is not valid JSON', vi: 'không phải JSON hợp lệ', ar: 'ليس JSON صالحًا' },
  positive_integer: {
    en: '“{value}” is not a positive whole number',
    vi: '“{value}” không phải số nguyên dương',
    ar: '«{value}» ليس عددًا صحيحًا موجبًا',
  },
  cursor: {
    en: 'it is not a cursor this server gave out',
    vi: 'không phải con trỏ do máy chủ này cấp',
    ar: 'ليس مؤشرًا أصدره هذا الخادم',
  },
  if_match: {
    en: 'it must be the quoted version, e.g. "3"',
    vi: 'phải là số phiên bản trong ngoặc kép, ví dụ "3"',
    ar: 'يجب أن يكون رقم النسخة بين علامتي تنصيص، مثل "3"',
  },
  parent_or_query: {
    en: 'give parentId (or root) or q',
    vi: 'hãy cho parentId (hoặc root) hoặc q',
    ar: 'أعطِ parentId (أو root) أو q',
  },
  operations_list: {
    en: 'the order needs a list of operations',
    vi: 'quyết định cần một danh sách thao tác',
    ar: 'يحتاج الأمر إلى قائمة عمليات',
  },
  on_or_after: {
    en: 'it must be on or after {after}',
    vi: 'phải từ ngày {after} trở đi',
    ar: 'يجب أن يكون في {after} أو بعده',
  },
  no_ref: {
    en: 'no earlier operation creates a unit named “{ref}”',
    vi: 'không có thao tác nào trước đó tạo tổ chức mang tên “{ref}”',
    ar: 'لا توجد عملية سابقة تنشئ وحدة باسم «{ref}»',
  },
  dup_ref: {
    en: 'an earlier operation already uses the name “{ref}”',
    vi: 'một thao tác trước đó đã dùng tên “{ref}”',
    ar: 'استخدمت عملية سابقة الاسم «{ref}» بالفعل',
  },
  unknown_operation: {
    en: '“{type}” is not a kind of operation',
    vi: '“{type}” không phải loại thao tác',
    ar: '«{type}» ليس نوع عملية',
  },
  split_two_remainders: {
    en: 'more than one part takes the remainder',
    vi: 'có nhiều hơn một phần nhận phần còn lại',
    ar: 'أكثر من جزء يأخذ الباقي',
  },
  split_not_child: {
    en: '{child} is not under it',
    vi: '{child} không trực thuộc nó',
    ar: '{child} ليست تحتها',
  },
  split_twice: {
    en: '{child} is listed twice',
    vi: '{child} được liệt kê hai lần',
    ar: '{child} مذكورة مرتين',
  },
  split_nowhere: {
    en: '{child} goes to no part',
    vi: '{child} không được phân về phần nào',
    ar: '{child} لا تذهب إلى أي جزء',
  },
  password_length: {
    en: 'use at least {min} characters',
    vi: 'cần ít nhất {min} ký tự',
    ar: 'استخدم {min} أحرف على الأقل',
  },
  password_like_username: {
    en: 'it must not contain the user name',
    vi: 'không được chứa tên đăng nhập',
    ar: 'يجب ألا تحتوي على اسم المستخدم',
  },
  unknown_permission: {
    en: '“{value}” is not a permission',
    vi: '“{value}” không phải là một quyền',
    ar: '«{value}» ليست صلاحية',
  },
  passwords_differ: {
    en: 'the two passwords typed differ',
    vi: 'hai lần nhập mật khẩu không khớp',
    ar: 'كلمتا المرور المكتوبتان مختلفتان',
  },
  anchor: {
    en: 'write it as seq:hash, as printed by a previous verify',
    vi: 'hãy ghi dạng seq:hash như lần kiểm tra trước đã in ra',
    ar: 'اكتبه بالصيغة seq:hash كما طبعه تحقق سابق',
  },
  sso_state: {
    en: 'the sign-in took too long or was started elsewhere',
    vi: 'quá trình đăng nhập quá lâu hoặc được bắt đầu ở nơi khác',
    ar: 'استغرق تسجيل الدخول وقتًا طويلًا أو بدأ في مكان آخر',
  },
  sso_no_user: {
    en: 'no Rollbook user is linked to this identity; ask an administrator to link it',
    vi: 'chưa có người dùng Rollbook nào gắn với danh tính này; hãy đề nghị quản trị viên liên kết',
    ar: 'لا يوجد مستخدم في Rollbook مرتبط بهذه الهوية؛ اطلب من المسؤول ربطها',
  },
  sso_provider: {
    en: 'the identity provider answered with an error',
    vi: 'nhà cung cấp danh tính trả về lỗi',
    ar: 'أعاد مزوّد الهوية خطأً',
  },
  period_from: { en: 'from {from}', vi: 'từ {from}', ar: 'من {from}' },
  period_until: { en: 'until {to}', vi: 'đến trước {to}', ar: 'حتى {to}' },
  period_between: { en: 'from {from} until {to}', vi: 'từ {from} đến trước {to}', ar: 'من {from} حتى {to}' },
  ...MEMBER_REASONS,
  ...IMPORT_REASONS,
  ...FIGURES_REASONS,
};

/** The key of a reason, as a param value: formatMessage puts it in words. */
export function reason(key: string): string {
  return `reason:${key}`;
}

/** Picks the best supported language from an Accept-Language header (q-values honoured). */
export function negotiateLanguage(header: string | undefined | null): ApiLanguage {
  if (!header) return 'en';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => x.tag && !Number.isNaN(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0] as ApiLanguage;
    if ((API_LANGUAGES as readonly string[]).includes(base)) return base;
  }
  return 'en';
}

/** The localized message for an error code, with its placeholders filled. */
export function formatMessage(
  code: ErrorCode,
  lang: ApiLanguage,
  params: ErrorParams & { field?: string } = {},
): string {
  return formatMessageText(CATALOG[code][lang] ?? CATALOG[code].en, lang, params);
}

function formatMessageText(
  template: string,
  lang: ApiLanguage,
  params: ErrorParams & { field?: string },
): string {
  const fill = (text: string): string =>
    text.replace(/\{(\w+)\}/g, (whole, key: string) => {
      const value = params[key];
      if (value === undefined) return whole;
      const text = String(value);
      if (text.startsWith('reasons:'))
        return text
          .slice(8)
          .split(',')
          .map((key) => fill((REASONS[key] ?? REASONS.invalid)![lang]))
          .join(', ');
      const words = text.startsWith('reason:') ? (REASONS[text.slice(7)] ?? REASONS.invalid) : undefined;
      return words ? fill(words[lang] ?? words.en) : text;
    });
  return fill(template);
}

/** A reason's words in a language, its placeholders filled (warnings shown beside an accepted change). */
export function formatReason(key: string, lang: ApiLanguage, params: ErrorParams = {}): string {
  // The message filler, given a template that is the reason alone.
  return formatMessageText('{__reason}', lang, { ...params, __reason: `reason:${key}` });
}

/** Texts the server writes into records on a user's behalf, in the user's language. */
const TEXTS = {
  reversal_title: {
    en: 'Reversal of order #{order}{title}',
    vi: 'Đảo ngược quyết định #{order}{title}',
    ar: 'عكس الأمر #{order}{title}',
  },
} satisfies Record<string, Record<ApiLanguage, string>>;

export type TextKey = keyof typeof TEXTS;

/** A text for a record, in a language, with its placeholders filled. */
export function formatText(
  key: TextKey,
  lang: ApiLanguage,
  params: Record<string, string | number> = {},
): string {
  return TEXTS[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}
