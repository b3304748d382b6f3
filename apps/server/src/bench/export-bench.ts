import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IsoDate } from '@rollbook/domain';
import type { AppContext } from '../context.js';
import { localOperator } from '../modules/access/actor.js';
import { exportMembers } from '../modules/exports/members-export.js';
import type { ExportFormat } from '../modules/exports/spreadsheet.js';

/** The streaming export of every member (issue 5: 1 M members ≤ 10 s on a server, ≤ 30 s on PGlite). */
export interface ExportBench {
  format: ExportFormat;
  /** The columns asked for; absent: every column (the export's default, with the membership dates). */
  columns?: string[];
  rows: number;
  bytes: number;
  ms: number;
  rowsPerSecond: number;
  /** Resident memory before and at most while streaming: bounded, whatever the size. */
  baseRssBytes: number;
  peakRssBytes: number;
}

/** The columns of a plain register sheet: who, born when, where, in what status. */
export const REGISTER_SHEET_COLUMNS = ['id', 'fullName', 'sex', 'birthDate', 'unit', 'status'];

export async function benchExport(
  ctx: AppContext,
  options: { today: IsoDate; format: ExportFormat; columns?: string[]; log: (m: string) => void },
): Promise<ExportBench> {
  const baseRssBytes = process.memoryUsage().rss;
  let peakRssBytes = baseRssBytes;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss)), 50);
  try {
    const t = performance.now();
    const file = await exportMembers(
      { ...ctx, today: () => options.today },
      localOperator('bench'),
      { asOf: options.today, format: options.format, ...(options.columns && { columns: options.columns }) },
      'vi',
    );
    let bytes = 0;
    let lines = 0;
    await pipeline(
      file.body,
      new Writable({
        write(chunk: Buffer | string, _encoding, done) {
          bytes += chunk.length;
          // Counted in the bytes: a loop over the characters of 600 MB took longer than the export.
          if (options.format === 'csv') {
            const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines += 1;
          }
          done();
        },
      }),
    );
    const ms = performance.now() - t;
    // CSV: lines less the header; XLSX: not counted from the zip, taken from the register instead.
    const rows = options.format === 'csv' ? lines - 1 : -1;
    options.log(
      `export (${options.format}): ${rows >= 0 ? rows.toLocaleString('en-US') + ' rows, ' : ''}${(bytes / 2 ** 20).toFixed(0)} MB in ${(ms / 1000).toFixed(1)} s`,
    );
    return {
      format: options.format,
      ...(options.columns && { columns: options.columns }),
      rows,
      bytes,
      ms,
      rowsPerSecond: rows > 0 ? (rows / ms) * 1000 : 0,
      baseRssBytes,
      peakRssBytes,
    };
  } finally {
    clearInterval(sampler);
  }
}
