import type { ApiLanguage } from './messages.js';

type Texts = Record<string, Record<ApiLanguage, string>>;

/**
 * The words of member-rule refusals, event and status names, in every API language. Keys are
 * looked up as `reason:<key>` params by formatMessage; placeholders come from the finding's params.
 */
export const MEMBER_REASONS: Texts = {
  'rule.event_not_allowed': {
    en: '{event} cannot be recorded for someone who is {status}',
    vi: 'Không thể ghi {event} cho người đang ở trạng thái {status}',
    ar: 'لا يمكن تسجيل {event} لشخص حالته {status}',
  },
  'rule.unit_required': {
    en: 'name the unit (a cell) the member belongs to or moves to',
    vi: 'cần chọn chi bộ mà đảng viên sinh hoạt hoặc chuyển đến',
    ar: 'حدّد الوحدة (الخلية) التي ينتمي إليها العضو أو ينتقل إليها',
  },
  'rule.date_before_birth': {
    en: 'the date lies before the birth date ({birthDate})',
    vi: 'ngày này trước ngày sinh ({birthDate})',
    ar: 'التاريخ يسبق تاريخ الميلاد ({birthDate})',
  },
  'rule.birth_date_required': {
    en: 'the birth date is needed to check the age for admission; add it to the record first',
    vi: 'cần ngày sinh để kiểm tra tuổi kết nạp; hãy bổ sung vào lý lịch trước',
    ar: 'يلزم تاريخ الميلاد للتحقق من سن القبول؛ أضفه إلى السجل أولًا',
  },
  'rule.admission_age_young': {
    en: 'the applicant is {age} at consideration; the minimum is {min}, counted by month',
    vi: 'người vào Đảng mới {age} tuổi khi chi bộ xét; tối thiểu {min} tuổi (tính theo tháng)',
    ar: 'عمر المتقدم {age} عند النظر في طلبه؛ الحد الأدنى {min} محسوبًا بالشهر',
  },
  'rule.admission_age_old': {
    en: 'the applicant is {age}, over {max}: record the decision of the committee directly under the Central Committee that allows it',
    vi: 'người vào Đảng {age} tuổi, trên {max} tuổi: cần ghi quyết định của cấp ủy trực thuộc Trung ương cho phép',
    ar: 'عمر المتقدم {age}، أي فوق {max}: سجّل قرار اللجنة التابعة مباشرة للجنة المركزية الذي يسمح بذلك',
  },
  'rule.admission_education': {
    en: 'the applicant’s education is below {minimum}; record the exception that applies',
    vi: 'trình độ học vấn dưới {minimum}; cần ghi trường hợp ngoại lệ được áp dụng',
    ar: 'تعليم المتقدم دون {minimum}؛ سجّل الاستثناء المطبّق',
  },
  'rule.ceremony_before_decision': {
    en: 'the ceremony cannot come before the admission decision ({decisionDate})',
    vi: 'lễ kết nạp không thể trước ngày quyết định kết nạp ({decisionDate})',
    ar: 'لا يمكن أن يسبق الحفل قرار القبول ({decisionDate})',
  },
  'rule.ceremony_late': {
    en: 'the ceremony was due within {days} working days, by {due}; record the higher committee’s permission',
    vi: 'lễ kết nạp phải tổ chức trong {days} ngày làm việc, chậm nhất {due}; cần ghi văn bản đồng ý của cấp ủy cấp trên',
    ar: 'كان يجب عقد الحفل خلال {days} يوم عمل، أي بحلول {due}؛ سجّل إذن اللجنة الأعلى',
  },
  'rule.ceremony_already_held': {
    en: 'the ceremony was already held on {date}; correct that event instead',
    vi: 'lễ kết nạp đã được tổ chức ngày {date}; hãy đính chính sự kiện đó',
    ar: 'عُقد الحفل بالفعل في {date}؛ صحّح ذلك الحدث بدلًا من ذلك',
  },
  'rule.recognition_too_early': {
    en: 'probation lasts until {probationEnd}; the review cannot come before',
    vi: 'thời gian dự bị đến {probationEnd}; chưa thể xét trước ngày đó',
    ar: 'فترة الاختبار تستمر حتى {probationEnd}؛ لا يمكن المراجعة قبل ذلك',
  },
  'rule.recognition_late': {
    en: 'the review was due by {due}; the member is still official from {probationEnd}',
    vi: 'việc xét phải xong trước {due}; đảng viên vẫn chính thức từ {probationEnd}',
    ar: 'كانت المراجعة مستحقة بحلول {due}؛ يبقى العضو رسميًا اعتبارًا من {probationEnd}',
  },
  'rule.transfer_while_suspended': {
    en: 'a member whose case is being handled (suspended) is not transferred until it is resolved',
    vi: 'đảng viên đang bị xem xét, xử lý (đình chỉ sinh hoạt) chưa được chuyển sinh hoạt',
    ar: 'لا يُنقل عضو قيد المعالجة (موقوف) حتى تُحسم قضيته',
  },
  'rule.transfer_pending': {
    en: 'a transfer started on {since} has not been accepted yet',
    vi: 'việc chuyển sinh hoạt từ ngày {since} chưa được nơi đến tiếp nhận',
    ar: 'لم يُقبل بعد نقلٌ بدأ في {since}',
  },
  'rule.transfer_same_unit': {
    en: 'the member already belongs to this unit',
    vi: 'đảng viên đang sinh hoạt ở chính tổ chức này',
    ar: 'العضو ينتمي بالفعل إلى هذه الوحدة',
  },
  'rule.transfer_kind_required': {
    en: 'choose the kind of transfer: official, temporary or internal',
    vi: 'hãy chọn hình thức chuyển: chính thức, tạm thời hay nội bộ',
    ar: 'اختر نوع النقل: رسمي أو مؤقت أو داخلي',
  },
  'rule.temporary_transfer_length': {
    en: 'a temporary transfer lasts {min} to {max} months; give its last day',
    vi: 'chuyển sinh hoạt tạm thời từ {min} đến {max} tháng; hãy ghi ngày kết thúc',
    ar: 'يستمر النقل المؤقت من {min} إلى {max} شهرًا؛ حدّد يومه الأخير',
  },
  'rule.no_pending_transfer': {
    en: 'there is no transfer waiting to be accepted',
    vi: 'không có việc chuyển sinh hoạt nào đang chờ tiếp nhận',
    ar: 'لا يوجد نقل بانتظار القبول',
  },
  'rule.transfer_late': {
    en: 'the slip was due within {days} days, by {due}; the member or the unit must explain the delay',
    vi: 'giấy giới thiệu phải nộp trong {days} ngày, chậm nhất {due}; đảng viên hoặc tổ chức phải giải trình',
    ar: 'كان يجب تقديم الورقة خلال {days} يومًا، بحلول {due}؛ على العضو أو الوحدة تفسير التأخير',
  },
  'rule.not_hosted': {
    en: 'the member is not on a temporary transfer',
    vi: 'đảng viên không sinh hoạt tạm thời ở nơi khác',
    ar: 'العضو ليس في نقل مؤقت',
  },
  'rule.already_exempted': {
    en: 'the member is already exempted',
    vi: 'đảng viên đã được miễn công tác và sinh hoạt',
    ar: 'العضو معفى بالفعل',
  },
  'rule.not_exempted': {
    en: 'the member is not exempted',
    vi: 'đảng viên không được miễn sinh hoạt',
    ar: 'العضو غير معفى',
  },
  'rule.exemption_reason_required': {
    en: 'give the reason: advanced age or poor health',
    vi: 'hãy ghi lý do: tuổi cao hoặc sức khỏe yếu',
    ar: 'اذكر السبب: تقدم السن أو اعتلال الصحة',
  },
  'rule.exemption_age': {
    en: 'exemption for age needs the retirement age ({years} years {months} months on this date)',
    vi: 'miễn sinh hoạt vì tuổi cao cần đủ tuổi nghỉ hưu ({years} tuổi {months} tháng vào ngày này)',
    ar: 'الإعفاء بسبب السن يتطلب بلوغ سن التقاعد ({years} سنة و{months} شهرًا في هذا التاريخ)',
  },
  'rule.already_suspended': {
    en: 'the member is already suspended; extend that suspension instead',
    vi: 'đảng viên đang bị đình chỉ; hãy gia hạn lần đình chỉ đó',
    ar: 'العضو موقوف بالفعل؛ مدّد ذلك الإيقاف بدلًا من ذلك',
  },
  'rule.not_suspended': {
    en: 'the member is not suspended',
    vi: 'đảng viên không bị đình chỉ sinh hoạt',
    ar: 'العضو غير موقوف',
  },
  'rule.suspension_ground_required': {
    en: 'give the ground: investigation, custody or indictment',
    vi: 'hãy ghi căn cứ: để thẩm tra, bị tạm giữ/tạm giam hoặc bị truy tố',
    ar: 'اذكر السبب: تحقيق أو احتجاز أو اتهام',
  },
  'rule.suspension_until_required': {
    en: 'give the last day of the suspension',
    vi: 'hãy ghi ngày cuối của thời hạn đình chỉ',
    ar: 'حدّد اليوم الأخير للإيقاف',
  },
  'rule.suspension_length': {
    en: 'a suspension lasts at most {days} days',
    vi: 'thời hạn đình chỉ tối đa {days} ngày',
    ar: 'يستمر الإيقاف {days} يومًا على الأكثر',
  },
  'rule.suspension_total': {
    en: 'with its extension a suspension lasts at most {days} days in all, and must end later than before',
    vi: 'kể cả gia hạn, thời hạn đình chỉ tối đa {days} ngày và phải dài hơn trước',
    ar: 'مع التمديد لا يتجاوز الإيقاف {days} يومًا في المجموع، ويجب أن ينتهي بعد موعده السابق',
  },
  'rule.discipline_form': {
    en: 'a member who is {status} may only be given: {allowed}',
    vi: 'đảng viên {status} chỉ có thể bị: {allowed}',
    ar: 'العضو {status} لا يُعاقب إلا بـ: {allowed}',
  },
  'rule.dismissal_needs_post': {
    en: 'dismissal applies only to a post the member holds; name the post',
    vi: 'cách chức chỉ áp dụng khi đảng viên giữ chức vụ; hãy ghi chức vụ',
    ar: 'العزل لا ينطبق إلا على منصب يشغله العضو؛ اذكر المنصب',
  },
  'rule.removal_ground': {
    en: 'choose one of the statute’s grounds for removing a name',
    vi: 'hãy chọn một trong các trường hợp xóa tên theo quy định',
    ar: 'اختر أحد أسباب شطب الاسم الواردة في النظام',
  },
  'rule.resignation_while_suspended': {
    en: 'a member whose violation is being handled cannot leave by resignation; the case must be decided',
    vi: 'đảng viên đang bị xem xét xử lý vi phạm không được giải quyết xin ra khỏi Đảng',
    ar: 'لا يمكن لعضو قيد معالجة مخالفته الخروج بالاستقالة؛ يجب البت في القضية',
  },
  'rule.readmission_after_death': {
    en: 'a deceased member cannot be readmitted',
    vi: 'không thể kết nạp lại người đã từ trần',
    ar: 'لا يمكن إعادة قبول عضو متوفى',
  },
  'rule.event_in_future': {
    en: 'the date {date} lies after today ({today}); record events when they have happened',
    vi: 'ngày {date} sau hôm nay ({today}); chỉ ghi sự kiện đã xảy ra',
    ar: 'التاريخ {date} بعد اليوم ({today})؛ سجّل الأحداث بعد وقوعها',
  },
  'rule.card_not_official': {
    en: 'a card is issued only to an official member; on {date} this person is {status}',
    vi: 'chỉ phát thẻ cho đảng viên chính thức; ngày {date} người này là {status}',
    ar: 'لا تُصدر البطاقة إلا لعضو رسمي؛ في {date} حالة هذا الشخص {status}',
  },
  'rule.card_already_live': {
    en: 'card {number} is still valid; report it lost or exchange it instead',
    vi: 'thẻ {number} vẫn còn giá trị; hãy báo mất hoặc đổi thẻ',
    ar: 'البطاقة {number} ما زالت سارية؛ أبلغ عن فقدانها أو استبدلها',
  },
  'rule.no_live_card': {
    en: 'the member holds no valid card on {date}',
    vi: 'ngày {date} đảng viên không có thẻ còn giá trị',
    ar: 'لا يحمل العضو بطاقة سارية في {date}',
  },
  'rule.not_in_campaign': {
    en: 'the member is not in the scope of this exchange (official and holding a card on {date})',
    vi: 'đảng viên không thuộc diện đổi thẻ đợt này (chính thức và có thẻ vào ngày {date})',
    ar: 'العضو ليس ضمن نطاق هذا الاستبدال (رسمي ويحمل بطاقة في {date})',
  },
  'rule.card_before_issue': {
    en: 'the date lies before the card was issued ({date})',
    vi: 'ngày này trước ngày cấp thẻ ({date})',
    ar: 'التاريخ يسبق إصدار البطاقة ({date})',
  },
  'event.application': { en: 'an application', vi: 'đơn xin vào Đảng', ar: 'طلب انتساب' },
  'event.admission': { en: 'an admission', vi: 'kết nạp', ar: 'قبول' },
  'event.ceremony': { en: 'an admission ceremony', vi: 'lễ kết nạp', ar: 'حفل القبول' },
  'event.recognition': {
    en: 'a recognition as official',
    vi: 'công nhận đảng viên chính thức',
    ar: 'اعتماد كعضو رسمي',
  },
  'event.non_recognition': {
    en: 'a non-recognition',
    vi: 'không công nhận chính thức (xóa tên)',
    ar: 'عدم اعتماد',
  },
  'event.transfer_out': { en: 'a transfer out', vi: 'chuyển sinh hoạt đi', ar: 'نقل إلى الخارج' },
  'event.transfer_in': { en: 'an acceptance of a transfer', vi: 'tiếp nhận sinh hoạt', ar: 'قبول نقل' },
  'event.transfer_return': {
    en: 'a return from a temporary transfer',
    vi: 'trở về sau sinh hoạt tạm thời',
    ar: 'عودة من نقل مؤقت',
  },
  'event.exemption': { en: 'an exemption', vi: 'miễn công tác và sinh hoạt', ar: 'إعفاء' },
  'event.exemption_end': { en: 'an end of exemption', vi: 'trở lại sinh hoạt', ar: 'انتهاء الإعفاء' },
  'event.suspension': { en: 'a suspension', vi: 'đình chỉ sinh hoạt', ar: 'إيقاف' },
  'event.suspension_extension': {
    en: 'an extension of suspension',
    vi: 'gia hạn đình chỉ',
    ar: 'تمديد الإيقاف',
  },
  'event.suspension_end': { en: 'an end of suspension', vi: 'chấm dứt đình chỉ', ar: 'انتهاء الإيقاف' },
  'event.discipline': { en: 'a disciplinary decision', vi: 'kỷ luật', ar: 'قرار تأديبي' },
  'event.removal': { en: 'a removal of name', vi: 'xóa tên', ar: 'شطب الاسم' },
  'event.resignation': { en: 'a resignation', vi: 'xin ra khỏi Đảng', ar: 'استقالة' },
  'event.death': { en: 'a death', vi: 'từ trần', ar: 'وفاة' },
  'event.readmission': { en: 'a readmission', vi: 'kết nạp lại', ar: 'إعادة قبول' },
  'event.reorganization': {
    en: 'a move by reorganization',
    vi: 'chuyển theo sắp xếp tổ chức',
    ar: 'نقل بإعادة التنظيم',
  },
  'card.recover': { en: 'a card recovery', vi: 'thu hồi thẻ', ar: 'استرداد بطاقة' },
  'status.none': { en: 'not yet on the register', vi: 'chưa có trong danh sách', ar: 'غير مسجل بعد' },
  'status.applicant': { en: 'an applicant', vi: 'người xin vào Đảng', ar: 'متقدم' },
  'status.admitted': {
    en: 'admitted, awaiting the ceremony',
    vi: 'đã có quyết định kết nạp, chờ lễ kết nạp',
    ar: 'مقبول بانتظار الحفل',
  },
  'status.probationary': { en: 'probationary', vi: 'dự bị', ar: 'تحت الاختبار' },
  'status.official': { en: 'official', vi: 'chính thức', ar: 'رسمي' },
  'status.left': { en: 'no longer a member', vi: 'không còn là đảng viên', ar: 'لم يعد عضوًا' },
  'status.before_slip': {
    en: 'before the slip was issued',
    vi: 'trước ngày cấp giấy giới thiệu',
    ar: 'قبل إصدار الورقة',
  },
  'form.reprimand': { en: 'reprimand', vi: 'khiển trách', ar: 'توبيخ' },
  'form.warning': { en: 'warning', vi: 'cảnh cáo', ar: 'إنذار' },
  'form.dismissal': { en: 'dismissal', vi: 'cách chức', ar: 'عزل' },
  'form.expulsion': { en: 'expulsion', vi: 'khai trừ', ar: 'طرد' },
  'education.primary': { en: 'primary', vi: 'tiểu học', ar: 'ابتدائي' },
  'education.lower_secondary': { en: 'lower secondary', vi: 'trung học cơ sở', ar: 'إعدادي' },
  'education.upper_secondary': { en: 'upper secondary', vi: 'trung học phổ thông', ar: 'ثانوي' },
  transfer_destination: {
    en: 'a transfer lands in the unit on the slip, or in the unit it was merged into',
    vi: 'đảng viên được tiếp nhận tại tổ chức ghi trong giấy giới thiệu, hoặc tổ chức đã hợp nhất tổ chức đó',
    ar: 'يصل النقل إلى الوحدة المذكورة في الورقة، أو إلى الوحدة التي دُمجت فيها',
  },
  member_unit_kind: {
    en: 'members belong to {kinds}',
    vi: 'đảng viên sinh hoạt tại {kinds}',
    ar: 'ينتمي الأعضاء إلى {kinds}',
  },
  not_in_vocabulary: {
    en: '“{value}” is not in the list of the rule pack',
    vi: '“{value}” không có trong danh mục của bộ quy tắc',
    ar: '«{value}» ليس في قائمة حزمة القواعد',
  },
  custom_field_unknown: {
    en: 'the rule pack defines no such field',
    vi: 'bộ quy tắc không có trường này',
    ar: 'لا تعرّف حزمة القواعد هذا الحقل',
  },
  record_correction_date: {
    en: 'give either a date the change takes effect from, or mark it as a correction',
    vi: 'hãy ghi ngày thay đổi có hiệu lực, hoặc đánh dấu là đính chính',
    ar: 'حدّد تاريخ سريان التغيير، أو اعتبره تصحيحًا',
  },
  record_change_before: {
    en: 'the record already has a change from {date}; a new one must come later, or be a correction',
    vi: 'lý lịch đã có thay đổi từ {date}; thay đổi mới phải sau ngày đó, hoặc là đính chính',
    ar: 'يحتوي السجل على تغيير منذ {date}؛ يجب أن يأتي الجديد بعده أو أن يكون تصحيحًا',
  },
  first_event: {
    en: 'a new member starts with an application or an admission',
    vi: 'hồ sơ mới bắt đầu bằng đơn xin vào Đảng hoặc quyết định kết nạp',
    ar: 'يبدأ العضو الجديد بطلب أو بقبول',
  },
};
