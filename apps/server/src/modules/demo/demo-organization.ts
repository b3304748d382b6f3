import type { DecisionReference, IsoDate, NewUnit } from '@rollbook/domain';

/**
 * The demo organization, modelled on the seed reports: two Mekong-delta provinces that merge on
 * 1 Jul 2025 (the 2025 reform: 63 → 34 provinces), their commune-level committees, grassroots
 * committees and cells. Names are real-looking Vietnamese with full diacritics; codes and decision
 * numbers are invented for the demo.
 */
export interface DemoTree extends NewUnit {
  children?: DemoTree[];
}

const school = (code: string, name: string, cells: Array<[string, string]>): DemoTree => ({
  code,
  name,
  kind: 'grassroots_committee',
  children: cells.map(([c, n]) => ({ code: c, name: n, kind: 'cell' })),
});

const cell = (code: string, name: string): DemoTree => ({ code, name, kind: 'grassroots_cell' });

export const DEMO_START: IsoDate = '2020-10-01';

export const DEMO_TREE: DemoTree = {
  code: 'TW',
  name: 'Ban Chấp hành Trung ương Đảng',
  kind: 'central',
  children: [
    {
      code: 'AG',
      name: 'Đảng bộ tỉnh An Giang',
      kind: 'province',
      children: [
        {
          code: 'AG-LX',
          name: 'Đảng bộ phường Long Xuyên',
          kind: 'commune',
          children: [
            school('AG-LX-THPT', 'Đảng bộ Trường THPT Long Xuyên', [
              ['AG-LX-THPT-GV', 'Chi bộ Giáo viên'],
              ['AG-LX-THPT-HC', 'Chi bộ Hành chính – Phục vụ'],
            ]),
            {
              code: 'AG-LX-CA',
              name: 'Đảng bộ Công an phường Long Xuyên',
              kind: 'grassroots_committee',
              children: [
                { code: 'AG-LX-CA-1', name: 'Chi bộ Đội Cảnh sát khu vực', kind: 'cell' },
                { code: 'AG-LX-CA-2', name: 'Chi bộ Đội An ninh', kind: 'cell' },
              ],
            },
            cell('AG-LX-K1', 'Chi bộ Khóm Đông Thịnh 1'),
            cell('AG-LX-K2', 'Chi bộ Khóm Đông Thịnh 2'),
            cell('AG-LX-QS', 'Chi bộ Quân sự phường'),
          ],
        },
        {
          code: 'AG-MHH',
          name: 'Đảng bộ xã Mỹ Hòa Hưng',
          kind: 'commune',
          children: [
            cell('AG-MHH-THA', 'Chi bộ Trường Tiểu học Mỹ Hòa Hưng A'),
            cell('AG-MHH-THB', 'Chi bộ Trường Tiểu học Mỹ Hòa Hưng B'),
            cell('AG-MHH-YT', 'Chi bộ Trạm Y tế xã'),
            cell('AG-MHH-AP1', 'Chi bộ Ấp Mỹ Phú'),
            cell('AG-MHH-AP2', 'Chi bộ Ấp Mỹ An'),
          ],
        },
        {
          code: 'AG-CD',
          name: 'Đảng bộ phường Châu Đốc',
          kind: 'commune',
          children: [
            school('AG-CD-BV', 'Đảng bộ Bệnh viện Đa khoa Châu Đốc', [
              ['AG-CD-BV-NOI', 'Chi bộ Khối Nội'],
              ['AG-CD-BV-NGOAI', 'Chi bộ Khối Ngoại'],
              ['AG-CD-BV-CLS', 'Chi bộ Cận lâm sàng'],
            ]),
            cell('AG-CD-VS', 'Chi bộ Khóm Vĩnh Tây'),
            cell('AG-CD-NH', 'Chi bộ Ngân hàng Nông nghiệp Châu Đốc'),
          ],
        },
      ],
    },
    {
      code: 'KG',
      name: 'Đảng bộ tỉnh Kiên Giang',
      kind: 'province',
      children: [
        {
          code: 'KG-RG',
          name: 'Đảng bộ phường Rạch Giá',
          kind: 'commune',
          children: [
            school('KG-RG-CD', 'Đảng bộ Trường Cao đẳng Kiên Giang', [
              ['KG-RG-CD-GV', 'Chi bộ Giảng viên'],
              ['KG-RG-CD-SV', 'Chi bộ Sinh viên'],
            ]),
            cell('KG-RG-VT', 'Chi bộ Khu phố Vĩnh Thanh'),
            cell('KG-RG-CN', 'Chi bộ Cảng cá Tắc Cậu'),
          ],
        },
        {
          code: 'KG-PQ',
          name: 'Đảng bộ đặc khu Phú Quốc',
          kind: 'commune',
          children: [
            cell('KG-PQ-DD', 'Chi bộ Ấp Dương Đông'),
            cell('KG-PQ-AT', 'Chi bộ Ấp An Thới'),
            cell('KG-PQ-BP', 'Chi bộ Biên phòng Gành Dầu'),
          ],
        },
        {
          code: 'KG-HT',
          name: 'Đảng bộ phường Hà Tiên',
          kind: 'commune',
          children: [
            cell('KG-HT-TC', 'Chi bộ Khu phố Tô Châu'),
            cell('KG-HT-MD', 'Chi bộ Trường THCS Mạc Đĩnh Chi'),
          ],
        },
      ],
    },
    {
      code: 'CT',
      name: 'Đảng bộ thành phố Cần Thơ',
      kind: 'province',
      children: [
        {
          code: 'CT-NK',
          name: 'Đảng bộ phường Ninh Kiều',
          kind: 'commune',
          children: [
            cell('CT-NK-XH', 'Chi bộ Khu vực Xuân Khánh'),
            cell('CT-NK-DH', 'Chi bộ Trường Đại học Cần Thơ'),
          ],
        },
      ],
    },
  ],
};

/** The history the demo replays after building the tree, oldest first. */
export interface DemoEvent {
  effectiveDate: IsoDate;
  title: string;
  decision: DecisionReference;
}

export const DEMO_DECISIONS = {
  founding: {
    number: '01-QĐ/DEMO',
    date: '2020-09-25',
    issuedBy: 'Ban Tổ chức Trung ương',
    note: 'Demo data: the tree as it stood in October 2020.',
  },
  schoolCells: {
    number: '125-QĐ/ĐU',
    date: '2024-08-10',
    issuedBy: 'Đảng ủy xã Mỹ Hòa Hưng',
    note: 'Hợp nhất hai chi bộ trường tiểu học sau khi sáp nhập hai trường.',
  },
  hospitalSplit: {
    number: '47-QĐ/ĐU',
    date: '2023-02-20',
    issuedBy: 'Đảng ủy phường Châu Đốc',
    note: 'Tách Chi bộ Khối Nội thành hai chi bộ.',
  },
  provinces: {
    number: '999-QĐ/TW (demo)',
    date: '2025-06-30',
    issuedBy: 'Bộ Chính trị',
    note: 'Hợp nhất Đảng bộ tỉnh An Giang và Đảng bộ tỉnh Kiên Giang thành Đảng bộ tỉnh An Giang (Nghị quyết 202/2025/QH15).',
  },
  planned: {
    number: '210-QĐ/ĐU',
    date: '2026-10-15',
    issuedBy: 'Đảng ủy xã Mỹ Hòa Hưng',
    note: 'Đổi tên theo quyết định nâng cấp trạm y tế.',
  },
} satisfies Record<string, DecisionReference>;
