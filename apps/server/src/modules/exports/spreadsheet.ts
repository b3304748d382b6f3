import { PassThrough, Readable } from 'node:stream';
import { type ApiLanguage, AppError, reason } from '@rollbook/domain';
import ExcelJS from 'exceljs';
import { csvCell } from '../../lib/csv.js';

/**
 * The file side of every export: a column choice checked against the columns offered, and rows
 * from an async source written as CSV or as a streaming XLSX workbook, without ever holding the
 * whole file. The member, unit and event exports write through it.
 */

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportColumn {
  key: string;
  label: string;
}

export type Cell = string | number | null;

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Readable;
}

/**
 * The columns asked for (all when none are), in the order asked. An unknown key is the reader's
 * mistake, named in a 400 on `columns`.
 */
export function chooseColumns(
  all: readonly ExportColumn[],
  asked: readonly string[] | undefined,
): ExportColumn[] {
  const keys = asked?.length ? [...new Set(asked)] : all.map((c) => c.key);
  return keys.map((key) => {
    const column = all.find((c) => c.key === key);
    if (!column)
      throw new AppError('validation_failed', {
        field: 'columns',
        params: { reason: reason('enum'), value: key },
      });
    return column;
  });
}

/** A CSV file's first line: the byte-order mark makes Excel read it as UTF-8 (Vietnamese and Arabic intact). */
function csvHeader(columns: readonly ExportColumn[], lineEnd: string): string {
  return '\uFEFF' + columns.map((c) => csvCell(c.label)).join(',') + lineEnd;
}

/**
 * A CSV file whose rows the database wrote (COPY … TO, db/copy.ts): the header, then the bytes as
 * they come. Its lines end as COPY ends them, with a line feed.
 */
export function csvExport(
  base: string,
  columns: readonly ExportColumn[],
  rows: AsyncIterable<Uint8Array>,
): ExportFile {
  async function* body() {
    yield Buffer.from(csvHeader(columns, '\n'));
    for await (const chunk of rows) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  return {
    fileName: `${base}.csv`,
    contentType: 'text/csv; charset=utf-8',
    body: Readable.from(body(), { objectMode: false }),
  };
}

/** Writes the rows in the format asked; an Arabic workbook reads right to left. */
export function writeExport(args: {
  base: string;
  format: ExportFormat;
  lang: ApiLanguage;
  /** The sheet's name in the reader's language. */
  sheetName: string;
  columns: readonly ExportColumn[];
  rows: AsyncIterable<Record<string, Cell>>;
}): ExportFile {
  const { columns, rows } = args;
  if (args.format === 'csv') {
    async function* lines() {
      yield csvHeader(columns, '\r\n');
      // A chunk per few hundred rows: a chunk per row spent more time in the stream than in the rows.
      let chunk = '';
      let count = 0;
      for await (const row of rows) {
        chunk += columns.map((c) => csvCell(row[c.key])).join(',') + '\r\n';
        if ((count += 1) % 500 === 0) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    }
    return {
      fileName: `${args.base}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: Readable.from(lines()),
    };
  }
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: true,
  });
  const sheet = workbook.addWorksheet(args.sheetName, {
    views: [{ rightToLeft: args.lang === 'ar', state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((c) => ({
    header: c.label,
    key: c.key,
    width: Math.max(12, c.label.length + 2),
  }));
  void (async () => {
    try {
      let written = 0;
      for await (const row of rows) {
        // The client went away: stop reading the register.
        if (out.destroyed) return;
        // The client reads slower than the database answers: wait, rather than hold the file in memory.
        if ((written += 1) % 1000 === 0 && out.writableNeedDrain)
          await new Promise<void>((resolve) => {
            out.once('drain', () => resolve());
            out.once('close', () => resolve());
          });
        const line: Record<string, unknown> = {};
        for (const c of columns) {
          const v = row[c.key];
          // Dates as real dates, so spreadsheets sort and format them.
          line[c.key] =
            typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : v;
        }
        sheet.addRow(line).commit();
      }
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return {
    fileName: `${args.base}.xlsx`,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: out,
  };
}

/** Splits a `columns` query or option (comma-separated keys). */
export function columnList(value: string | undefined): string[] | undefined {
  const keys = value
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return keys?.length ? keys : undefined;
}
