import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@rollbook/domain';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable, TABLE_LIMITS } from './table-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollbook-table-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: Buffer | string): string {
  const p = path.join(dir, `f${(files += 1)}`);
  fs.writeFileSync(p, content);
  return p;
}

async function readAll(p: string, options = {}) {
  const table = await openTable(p, options);
  const rows = [];
  for await (const r of table.rows()) rows.push(r);
  return { table, rows };
}

async function failure(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const e = error as AppError;
  expect(e.code).toBe('import_file_unreadable');
  expect(e.field).toBe('file');
  return String(e.params.reason);
}

const NAMES = 'Họ và tên;Ngày sinh\r\n"Nguyễn Thị ""Út""";05/03/1990\r\n\r\nمُحَمَّد رضایی;1985-01-31\r\n';

describe('reading CSV', () => {
  it('reads UTF-8 with a byte-order mark, semicolons, quotes, CRLF, blank rows keeping their numbers', async () => {
    const { table, rows } = await readAll(
      file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(NAMES)])),
    );
    expect(table).toMatchObject({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ';',
      headers: ['Họ và tên', 'Ngày sinh'],
    });
    expect(rows).toEqual([
      { row: 2, cells: ['Nguyễn Thị "Út"', '05/03/1990'] },
      { row: 4, cells: ['مُحَمَّد رضایی', '1985-01-31'] },
    ]);
  });

  it('reads UTF-16 little- and big-endian, with and without a byte-order mark', async () => {
    const le = Buffer.from(NAMES.replaceAll(';', '\t'), 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [bytes, encoding] of [
      [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'utf-16le'],
      [le, 'utf-16le'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'utf-16be'],
    ] as const) {
      const { table, rows } = await readAll(file(bytes));
      expect(table).toMatchObject({ encoding, delimiter: '\t', headers: ['Họ và tên', 'Ngày sinh'] });
      expect(rows[1]!.cells[0]).toBe('مُحَمَّد رضایی');
    }
  });

  it('reads a legacy encoding when told which', async () => {
    // "Lê" in Windows-1258 (Vietnamese): L, e, combining circumflex is precomposed as 0xEA.
    const bytes = Buffer.from([0x4e, 0x61, 0x6d, 0x65, 0x0a, 0x4c, 0xea, 0x0a]);
    expect(await failure(readAll(file(bytes)))).toBe('reason:import.encoding');
    const { rows } = await readAll(file(bytes), { encoding: 'windows-1258' });
    expect(rows[0]!.cells[0]).toBe('Lê');
    expect(await failure(openTable(file(bytes), { encoding: 'klingon' }))).toBe(
      'reason:import.encoding_unknown',
    );
  });

  it('refuses hostile files with a reason: a 10 MB cell, a million columns, binary garbage, an old .xls', async () => {
    const big = `name\n"${'x'.repeat(10 * 1024 * 1024)}"\n`;
    expect(await failure(readAll(file(big)))).toBe('reason:import.record_too_large');
    const wide = `name\n${','.repeat(1_000_000)}\n`;
    expect(await failure(readAll(file(wide)))).toMatch(/import\.(too_many_columns|record_too_large)/);
    const wideHeader = `${'a,'.repeat(TABLE_LIMITS.maxColumns + 5)}\n1\n`;
    expect(await failure(readAll(file(wideHeader)))).toBe('reason:import.too_many_columns');
    const garbage = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256));
    expect(await failure(readAll(file(garbage)))).toBe('reason:import.encoding');
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    expect(await failure(readAll(file(xls)))).toBe('reason:import.unsupported');
    expect(await failure(readAll(file('')))).toBe('reason:import.empty');
    expect(await failure(readAll(file('name\n"open quote\n')))).toMatch(/import\.csv_malformed/);
  });

  it('reads any CSV it writes back the same, and fails only with a reason (fuzzed)', async () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(',', ';', '\t'),
        async (records, delimiter) => {
          const quote = (c: string) => `"${c.replaceAll('"', '""')}"`;
          const text =
            ['a', 'b'].join(delimiter) + '\n' + records.map((r) => r.map(quote).join(delimiter)).join('\n');
          const { rows } = await readAll(file(text), { delimiter });
          const expected = records.filter((r) => r.some((c) => c !== ''));
          expect(rows.map((r) => r.cells)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        try {
          await readAll(file(Buffer.from(bytes)));
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('reading XLSX', () => {
  async function workbook(rows: unknown[][]): Promise<string> {
    const p = path.join(dir, `w${(files += 1)}.xlsx`);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: p,
      useSharedStrings: true,
      useStyles: true,
    });
    const sheet = wb.addWorksheet('Đảng viên');
    for (const r of rows) sheet.addRow(r).commit();
    await wb.commit();
    return p;
  }

  it('reads strings, numbers, dates and formulas from the first sheet', async () => {
    const p = await workbook([
      ['Họ và tên', 'Ngày sinh', 'Số'],
      ['Trần Thị Thu', new Date(Date.UTC(1990, 2, 5)), 12],
      [],
      ['राहुल शर्मा', '31/01/1985', { formula: '1+1', result: 2 }],
    ]);
    const { table, rows } = await readAll(p);
    expect(table).toMatchObject({ format: 'xlsx', headers: ['Họ và tên', 'Ngày sinh', 'Số'] });
    expect(rows).toEqual([
      { row: 2, cells: ['Trần Thị Thu', '1990-03-05', '12'] },
      { row: 4, cells: ['राहुल शर्मा', '31/01/1985', '2'] },
    ]);
  });

  it('refuses a truncated workbook and a zip bomb with a reason', async () => {
    const p = await workbook([['name'], ['A']]);
    const bytes = fs.readFileSync(p);
    expect(await failure(readAll(file(bytes.subarray(0, Math.floor(bytes.length / 2)))))).toBe(
      'reason:import.xlsx_corrupt',
    );
    // A zip whose one entry declares 3 GB: refused from the directory, before anything is unpacked.
    const bomb = Buffer.from(bytes);
    const central = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(3 * 1024 ** 3, central + 24);
    expect(await failure(readAll(file(bomb)))).toBe('reason:import.xlsx_too_large');
  });
});
