import type { Prng } from './prng.js';

/**
 * Name material for the generated tree. Mostly Vietnamese with full diacritics, because that is
 * what the register holds; a few names in Arabic, Persian (with ZWNJ), Hindi (with nukta) and
 * Turkish (İ/ı), because the search folding has a separate path for each of those scripts and the
 * benchmark must exercise them on real-sized data.
 */

/** Forty of the 63 pre-2025 provinces: six pairs of them merge on 2025-07-01, leaving 34. */
export const PROVINCES: ReadonlyArray<readonly [prefix: string, name: string]> = [
  ['thành phố', 'Hà Nội'],
  ['thành phố', 'Hồ Chí Minh'],
  ['thành phố', 'Hải Phòng'],
  ['thành phố', 'Đà Nẵng'],
  ['thành phố', 'Cần Thơ'],
  ['tỉnh', 'An Giang'],
  ['tỉnh', 'Kiên Giang'],
  ['tỉnh', 'Bà Rịa – Vũng Tàu'],
  ['tỉnh', 'Bắc Giang'],
  ['tỉnh', 'Bắc Ninh'],
  ['tỉnh', 'Bạc Liêu'],
  ['tỉnh', 'Cà Mau'],
  ['tỉnh', 'Bến Tre'],
  ['tỉnh', 'Vĩnh Long'],
  ['tỉnh', 'Bình Định'],
  ['tỉnh', 'Gia Lai'],
  ['tỉnh', 'Bình Dương'],
  ['tỉnh', 'Bình Phước'],
  ['tỉnh', 'Đồng Nai'],
  ['tỉnh', 'Đắk Lắk'],
  ['tỉnh', 'Phú Yên'],
  ['tỉnh', 'Điện Biên'],
  ['tỉnh', 'Đồng Tháp'],
  ['tỉnh', 'Tiền Giang'],
  ['tỉnh', 'Hà Giang'],
  ['tỉnh', 'Tuyên Quang'],
  ['tỉnh', 'Hà Tĩnh'],
  ['tỉnh', 'Nghệ An'],
  ['tỉnh', 'Hải Dương'],
  ['tỉnh', 'Hưng Yên'],
  ['tỉnh', 'Thái Bình'],
  ['tỉnh', 'Khánh Hòa'],
  ['tỉnh', 'Lâm Đồng'],
  ['tỉnh', 'Lạng Sơn'],
  ['tỉnh', 'Quảng Ninh'],
  ['tỉnh', 'Quảng Nam'],
  ['tỉnh', 'Quảng Ngãi'],
  ['tỉnh', 'Sóc Trăng'],
  ['tỉnh', 'Thanh Hóa'],
  ['tỉnh', 'Thừa Thiên Huế'],
];

/** Syllables of Sino-Vietnamese place names (Tân Phú, Mỹ Hòa Hưng, Long Điền…). */
// prettier-ignore
const PLACE_SYLLABLES = [
  'Tân', 'Mỹ', 'Long', 'Phú', 'Hòa', 'An', 'Bình', 'Thạnh', 'Vĩnh', 'Đông', 'Tây', 'Nam', 'Bắc', 'Hưng',
  'Thuận', 'Phước', 'Lộc', 'Đức', 'Quảng', 'Xuân', 'Hải', 'Sơn', 'Trường', 'Thới', 'Khánh', 'Định',
  'Nghĩa', 'Châu', 'Thủy', 'Hiệp', 'Điền', 'Lợi', 'Thành', 'Hậu', 'Trung', 'Yên', 'Quý', 'Tiến', 'Cường',
  'Phong', 'Lạc', 'Ninh', 'Hội', 'Thắng', 'Lương', 'Đạo', 'Kiều', 'Giang', 'Bảo', 'Thọ',
];

/** People schools and streets are named after. */
// prettier-ignore
const NOTABLES = [
  'Nguyễn Du', 'Nguyễn Trãi', 'Lê Lợi', 'Trần Hưng Đạo', 'Lê Quý Đôn', 'Nguyễn Thị Minh Khai', 'Võ Thị Sáu',
  'Nguyễn Văn Trỗi', 'Nguyễn Bỉnh Khiêm', 'Chu Văn An', 'Trần Phú', 'Lý Thường Kiệt', 'Nguyễn Đình Chiểu',
  'Phan Bội Châu', 'Phan Châu Trinh', 'Huỳnh Thúc Kháng', 'Lê Hồng Phong', 'Trần Quốc Toản', 'Ngô Quyền',
  'Đinh Tiên Hoàng', 'Hai Bà Trưng', 'Quang Trung', 'Nguyễn Huệ', 'Tô Hiến Thành', 'Lương Thế Vinh',
];

const COMMITTEE_CELLS: Record<string, readonly string[]> = {
  school: [
    'Giáo viên',
    'Tổ Toán – Tin',
    'Tổ Văn – Sử – Địa',
    'Tổ Lý – Hóa – Sinh',
    'Hành chính – Phục vụ',
    'Tổ Ngoại ngữ',
  ],
  hospital: [
    'Khoa Nội',
    'Khoa Ngoại',
    'Khoa Sản',
    'Khoa Nhi',
    'Phòng Kế hoạch – Tổng hợp',
    'Khoa Dược',
    'Cận lâm sàng',
  ],
  company: [
    'Phân xưởng 1',
    'Phân xưởng 2',
    'Phòng Kế toán',
    'Phòng Kinh doanh',
    'Đội Vận tải',
    'Phòng Kỹ thuật',
  ],
  police: [
    'Đội Cảnh sát khu vực',
    'Đội An ninh',
    'Đội Cảnh sát giao thông',
    'Đội Tổng hợp',
    'Đội Phòng cháy',
  ],
  office: [
    'Văn phòng',
    'Phòng Kinh tế',
    'Phòng Văn hóa – Xã hội',
    'Trung tâm Hành chính công',
    'Ban Quản lý dự án',
  ],
};

/** Names in other scripts, each written the way a clerk in that language would type it. */
// prettier-ignore
const OTHER_SCRIPTS: readonly string[] = [
  // Arabic, sometimes with harakat, which the folding strips.
  'خلية حي النور', 'خلية حي الزهراء', 'خَلِيَّة حي السلام', 'خلية مدرسة الأمل', 'خلية حي الرياض', 'لجنة مستشفى الشفاء',
  // Persian, with ZWNJ (U+200C) inside words and the Persian yeh/keheh.
  'حوزه‌ی محله‌ی آزادی', 'حوزه‌ی محله‌ی نارمک', 'کمیته‌ی دانشگاه تهران', 'حوزه‌ی خیابان کریم‌خان', 'حوزه‌ی محله‌ی تجریش',
  // Hindi, with nukta letters (ग़, ज़) that the folding reduces.
  'शाखा ग़ाज़ियाबाद', 'शाखा नई दिल्ली', 'शाखा लखनऊ', 'प्रकोष्ठ पटना', 'शाखा जयपुर',
  // Turkish dotted and dotless i.
  'İstanbul Kadıköy Şubesi', 'Iğdır Şubesi', 'Ispartakule Hücresi', 'Şişli Çalışma Grubu', 'Üsküdar Şubesi', 'Kırıkkale Hücresi',
];

export function placeName(rng: Prng): string {
  const first = rng.pick(PLACE_SYLLABLES);
  let second = rng.pick(PLACE_SYLLABLES);
  while (second === first) second = rng.pick(PLACE_SYLLABLES);
  return rng.chance(0.15) ? `${first} ${second} ${rng.pick(PLACE_SYLLABLES)}` : `${first} ${second}`;
}

export function provinceName(index: number): string {
  const [prefix, name] = PROVINCES[index % PROVINCES.length]!;
  const suffix = index >= PROVINCES.length ? ` ${Math.floor(index / PROVINCES.length) + 1}` : '';
  return `Đảng bộ ${prefix} ${name}${suffix}`;
}

export function communeName(rng: Prng, place: string): string {
  const r = rng.next();
  const level = r < 0.7 ? 'xã' : r < 0.97 ? 'phường' : 'đặc khu';
  return `Đảng bộ ${level} ${place}`;
}

export type CommitteeType = keyof typeof COMMITTEE_CELLS;

export function grassrootsCommittee(rng: Prng, communePlace: string): { name: string; type: CommitteeType } {
  const type = rng.pick(Object.keys(COMMITTEE_CELLS) as CommitteeType[]);
  switch (type) {
    case 'school':
      return { type, name: `Đảng bộ Trường THPT ${rng.pick(NOTABLES)}` };
    case 'hospital':
      return { type, name: `Đảng bộ Bệnh viện Đa khoa khu vực ${placeName(rng)}` };
    case 'company':
      return {
        type,
        name: `Đảng bộ Công ty Cổ phần ${rng.pick(['Xây dựng', 'Thủy sản', 'Cấp nước', 'Dệt may', 'Lương thực'])} ${placeName(rng)}`,
      };
    case 'police':
      return { type, name: `Đảng bộ Công an xã ${communePlace}` };
    default:
      return { type, name: `Đảng bộ Cơ quan Ủy ban nhân dân xã ${communePlace}` };
  }
}

export function committeeCell(rng: Prng, type: CommitteeType, ordinal: number): string {
  const base = rng.pick(COMMITTEE_CELLS[type]!);
  return ordinal > 1 && rng.chance(0.5) ? `Chi bộ ${base} ${ordinal}` : `Chi bộ ${base}`;
}

/** A grassroots cell: a hamlet, a residential quarter, a school, a clinic, the commune's militia… */
export function grassrootsCell(rng: Prng, communePlace: string, otherScriptShare: number): string {
  if (rng.chance(otherScriptShare)) return rng.pick(OTHER_SCRIPTS);
  const r = rng.next();
  if (r < 0.32) return `Chi bộ Ấp ${placeName(rng)}`;
  if (r < 0.5) return `Chi bộ Khu phố ${rng.int(1, 12)}`;
  if (r < 0.64) return `Chi bộ Thôn ${placeName(rng)}`;
  if (r < 0.72) return `Chi bộ Trường THCS ${rng.pick(NOTABLES)}`;
  if (r < 0.79) return `Chi bộ Trường Tiểu học ${placeName(rng)}`;
  if (r < 0.84) return `Chi bộ Trường Mầm non ${placeName(rng)}`;
  if (r < 0.89) return `Chi bộ Trạm Y tế xã ${communePlace}`;
  if (r < 0.93) return `Chi bộ Quân sự xã ${communePlace}`;
  if (r < 0.97) return `Chi bộ Hợp tác xã Nông nghiệp ${placeName(rng)}`;
  return `Chi bộ Tổ dân phố ${placeName(rng)}`;
}

/** Grassroots committees directly under a province: its hospitals, universities and big employers. */
export function provincialCommittee(rng: Prng, provincePlace: string): { name: string; type: CommitteeType } {
  const r = rng.next();
  if (r < 0.3) return { type: 'hospital', name: `Đảng bộ Bệnh viện Đa khoa ${provincePlace}` };
  if (r < 0.55) return { type: 'school', name: `Đảng bộ Trường Đại học ${placeName(rng)}` };
  if (r < 0.8) return { type: 'company', name: `Đảng bộ Tổng công ty ${placeName(rng)}` };
  return { type: 'office', name: `Đảng bộ Cơ quan Ủy ban nhân dân ${provincePlace}` };
}

export function provincePlace(index: number): string {
  return PROVINCES[index % PROVINCES.length]![1];
}

// ---------------------------------------------------------------------------------------------
// People, for the member register.

/** Vietnamese family names with their rough share of the population (Nguyễn ≈ 38 %). */
// prettier-ignore
const FAMILY_NAMES: ReadonlyArray<readonly [name: string, weight: number]> = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 4], ['Huỳnh', 4], ['Phan', 4.5],
  ['Vũ', 3], ['Võ', 3], ['Đặng', 2], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1],
  ['Lý', 0.5], ['Đinh', 0.8], ['Trương', 0.8], ['Đoàn', 0.6], ['Lương', 0.5], ['Mai', 0.4], ['Tạ', 0.3],
  ['Hà', 0.5], ['Lò', 0.2], ['Hoàng Thị', 0.1], ['Triệu', 0.2], ['Nông', 0.2], ['Y', 0.1],
];

// prettier-ignore
const MIDDLE_MALE = ['Văn', 'Văn', 'Văn', 'Đức', 'Minh', 'Quốc', 'Hữu', 'Công', 'Thanh', 'Xuân', 'Ngọc', 'Trọng', 'Quang', 'Đình', 'Tiến'];
// prettier-ignore
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Minh', 'Hồng', 'Thúy', 'Phương', 'Bích'];
// prettier-ignore
const GIVEN_MALE = [
  'An', 'Anh', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Đông', 'Giang', 'Hải', 'Hiếu', 'Hòa', 'Hoàng', 'Hùng',
  'Huy', 'Khánh', 'Khoa', 'Kiên', 'Lâm', 'Long', 'Lộc', 'Minh', 'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quân',
  'Quang', 'Sơn', 'Tài', 'Thắng', 'Thành', 'Thịnh', 'Toàn', 'Trung', 'Tuấn', 'Tùng', 'Việt', 'Vinh', 'Vũ',
];
// prettier-ignore
const GIVEN_FEMALE = [
  'An', 'Anh', 'Châu', 'Chi', 'Dung', 'Duyên', 'Giang', 'Hà', 'Hằng', 'Hạnh', 'Hiền', 'Hoa', 'Hồng', 'Huệ',
  'Hương', 'Lan', 'Liên', 'Linh', 'Loan', 'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhung', 'Oanh', 'Phương',
  'Quyên', 'Tâm', 'Thảo', 'Thu', 'Thủy', 'Trang', 'Trinh', 'Tuyết', 'Uyên', 'Vân', 'Xuân', 'Yến', 'Ánh',
];

/**
 * People named in other scripts, typed the way a clerk in that language would: Persian with the
 * Persian yeh and keheh (ی ک) and ZWNJ, Arabic with ي/ك and sometimes harakat, Turkish with İ/ı,
 * Hindi with nukta letters. The search must find each whichever variant the reader types.
 */
// prettier-ignore
const OTHER_SCRIPT_PEOPLE: Readonly<Record<'fa' | 'ar' | 'tr' | 'hi', { male: readonly string[]; female: readonly string[]; family: readonly string[] }>> = {
  fa: {
    male: ['علی', 'حسین', 'مهدی', 'رضا', 'کاظم', 'یوسف', 'کوروش', 'داریوش', 'مرتضی', 'یاسر'],
    female: ['زهرا', 'مریم', 'فاطمه', 'نرگس', 'کیمیا', 'یاسمن', 'شیرین', 'پریا'],
    family: ['کریمی', 'یزدانی', 'کاظمی', 'رحیمی', 'حسینی', 'موسوی', 'نیک‌نام', 'کیانی', 'تهرانی', 'شکیبایی'],
  },
  ar: {
    male: ['علي', 'محمد', 'كريم', 'يوسف', 'عبد الله', 'خالد', 'مُحَمَّد', 'أحمد', 'إبراهيم'],
    female: ['فاطمة', 'عائشة', 'مريم', 'ليلى', 'نور', 'زينب', 'آمنة'],
    family: ['الكريمي', 'الحسيني', 'العلي', 'يوسف', 'القاسم', 'الزهراني', 'المصري'],
  },
  tr: {
    male: ['İbrahim', 'İsmail', 'Işık', 'Ilgaz', 'Mehmet', 'Çağrı', 'Oğuz', 'Barış', 'Kadir', 'Tarık'],
    female: ['Ayşe', 'Işıl', 'İpek', 'Gülşen', 'Şule', 'Çiğdem', 'Yıldız', 'Ilgın'],
    family: ['Yıldız', 'Işık', 'Çelik', 'Öztürk', 'Şahin', 'Kılıç', 'Aydın', 'Doğan', 'Kırıkkale', 'İnce'],
  },
  hi: {
    male: ['राजेश', 'सुरेश', 'ज़ाकिर', 'अमित', 'विजय', 'फ़ैज़ल', 'राहुल', 'संजय'],
    female: ['सुनीता', 'प्रिया', 'अंजलि', 'ज़ैनब', 'पूजा', 'नेहा'],
    family: ['कुमार', 'शर्मा', 'सिंह', 'ग़ाज़ी', 'वर्मा', 'गुप्ता', 'यादव'],
  },
};

const FAMILY_TOTAL = FAMILY_NAMES.reduce((a, [, w]) => a + w, 0);

function weightedFamily(rng: Prng): string {
  let r = rng.next() * FAMILY_TOTAL;
  for (const [name, w] of FAMILY_NAMES) {
    r -= w;
    if (r < 0) return name;
  }
  return FAMILY_NAMES[0]![0];
}

/**
 * A member's full name: Vietnamese with full diacritics (family, middle, given) for most; for a
 * share `otherScriptShare`, a Persian, Arabic, Turkish or Hindi name in its own script.
 */
export function personName(rng: Prng, sex: 'male' | 'female', otherScriptShare: number): string {
  if (rng.chance(otherScriptShare)) {
    const script = rng.pick(['fa', 'ar', 'tr', 'hi'] as const);
    const set = OTHER_SCRIPT_PEOPLE[script];
    const given = rng.pick(sex === 'male' ? set.male : set.female);
    return `${given} ${rng.pick(set.family)}`;
  }
  const family = weightedFamily(rng);
  const middle = rng.pick(sex === 'male' ? MIDDLE_MALE : MIDDLE_FEMALE);
  const given = rng.pick(sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE);
  // A few carry two given syllables (Nguyễn Thị Thu Hà), as registers do.
  return rng.chance(0.12)
    ? `${family} ${middle} ${rng.pick(sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE)} ${given}`
    : `${family} ${middle} ${given}`;
}

/** Where a person was born or lives: a province of the register (Hà Nội, Cà Mau…). */
export function homeProvince(rng: Prng): string {
  return rng.pick(PROVINCES)[1];
}

// prettier-ignore
export const PROFESSIONS = [
  'Giáo viên', 'Nông dân', 'Công nhân', 'Cán bộ, công chức', 'Bác sĩ', 'Điều dưỡng', 'Kỹ sư', 'Bộ đội',
  'Công an', 'Kế toán', 'Hưu trí', 'Sinh viên', 'Kinh doanh', 'Viên chức', 'Lái xe',
];
