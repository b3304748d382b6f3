import fs from 'node:fs';
import { Transform } from 'node:stream';
import { AppError, type ErrorParams, reason } from '@rollbook/domain';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';

/**
 * Reads an uploaded table — CSV in any common encoding and delimiter, or an Excel workbook — as a
 * header and a stream of rows of text cells, with memory bounded whatever the file holds
 * (BRIEF capability 8; hostile files are refused with a reason, never a crash).
 */

export type TableFormat = 'csv' | 'xlsx';

/** Bounds on what one file may hold; each keeps memory constant however the file is built. */
export const TABLE_LIMITS = {
  /** One CSV record (all its cells): a quote left open cannot swallow the file. */
  maxRecordBytes: 1024 * 1024,
  maxColumns: 1000,
  /** What an .xlsx may unpack to (its declared sizes), and the largest packing ratio of an entry. */
  maxUnpackedBytes: 2 * 1024 ** 3,
  maxEntryRatio: 2000,
};

export interface TableOptions {
  /** A TextDecoder label (utf-8, utf-16le, windows-1258, …); detected when absent. */
  encoding?: string | null;
  /** CSV only; detected from the header line when absent. */
  delimiter?: string | null;
}

export interface TableRow {
  /** The row number a spreadsheet shows for it (the header is row 1). */
  row: number;
  cells: string[];
}

export interface OpenedTable {
  format: TableFormat;
  /** CSV: the encoding read (and whether a byte-order mark said so). */
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  /** The data rows after the header, each read once; blank rows are skipped but keep their numbers. */
  rows(): AsyncGenerator<TableRow>;
  /** How much of the file the rows read so far came from (0–1): progress, and time left. */
  fractionRead(): number;
}

/** Bytes read from the file by the current pass, against its size. */
class ReadMeter {
  bytes = 0;
  constructor(readonly size: number) {}
  watch(stream: fs.ReadStream): fs.ReadStream {
    stream.on('data', (chunk) => (this.bytes += chunk.length));
    return stream;
  }
  fraction(): number {
    return this.size > 0 ? Math.min(1, this.bytes / this.size) : 1;
  }
}

function unreadable(key: string, params: ErrorParams = {}): AppError {
  return new AppError('import_file_unreadable', {
    field: 'file',
    params: { ...params, reason: reason(`import.${key}`) },
  });
}

/** Reads the first bytes of a file. */
async function head(filePath: string, bytes: number): Promise<Buffer> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Opens a table file: sniffs its format, encoding and delimiter, and reads its header. */
export async function openTable(filePath: string, options: TableOptions = {}): Promise<OpenedTable> {
  const start = await head(filePath, 64 * 1024);
  if (start[0] === 0x50 && start[1] === 0x4b && start[2] === 0x03 && start[3] === 0x04)
    return openXlsx(filePath);
  // Old Excel (.xls, an OLE compound file) and other binaries are refused by name.
  if (start.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])))
    throw unreadable('unsupported');
  return openCsv(filePath, start, options);
}

// ---------------------------------------------------------------------------------------------
// CSV

interface Encoding {
  label: string;
  bomBytes: number;
}

function detectEncoding(start: Buffer, requested: string | null | undefined): Encoding {
  if (requested) {
    try {
      new TextDecoder(requested);
    } catch {
      throw unreadable('encoding_unknown', { encoding: requested });
    }
    const label = new TextDecoder(requested).encoding;
    const bom = label === 'utf-8' && start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf ? 3 : 0;
    return { label, bomBytes: bom };
  }
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) return { label: 'utf-8', bomBytes: 3 };
  if (start[0] === 0xff && start[1] === 0xfe) return { label: 'utf-16le', bomBytes: 2 };
  if (start[0] === 0xfe && start[1] === 0xff) return { label: 'utf-16be', bomBytes: 2 };
  // UTF-16 without a mark: ASCII letters leave every other byte zero.
  let evenZeros = 0;
  let oddZeros = 0;
  const sample = Math.min(start.length, 4096);
  for (let i = 0; i < sample; i += 1) {
    if (start[i] !== 0) continue;
    if (i % 2 === 0) evenZeros += 1;
    else oddZeros += 1;
  }
  if (oddZeros > sample / 8 && evenZeros < oddZeros / 4) return { label: 'utf-16le', bomBytes: 0 };
  if (evenZeros > sample / 8 && oddZeros < evenZeros / 4) return { label: 'utf-16be', bomBytes: 0 };
  return { label: 'utf-8', bomBytes: 0 };
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter the header line uses most, outside quotes; a comma when it has none. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** Decodes a byte stream strictly: a byte that is not text in the encoding stops the read with its offset. */
function decoder(encoding: Encoding): Transform {
  const text = new TextDecoder(encoding.label, { fatal: true, ignoreBOM: true });
  let offset = encoding.bomBytes;
  const fail = () => unreadable('encoding', { encoding: encoding.label.toUpperCase(), offset });
  return new Transform({
    decodeStrings: true,
    readableObjectMode: false,
    transform(chunk: Buffer, _enc, done) {
      try {
        const out = text.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, out);
      } catch {
        done(fail());
      }
    },
    flush(done) {
      try {
        done(null, text.decode());
      } catch {
        done(fail());
      }
    },
  });
}

async function openCsv(filePath: string, start: Buffer, options: TableOptions): Promise<OpenedTable> {
  const encoding = detectEncoding(start, options.encoding);
  let sample: string;
  try {
    sample = new TextDecoder(encoding.label, { fatal: true, ignoreBOM: true }).decode(
      start.subarray(encoding.bomBytes),
      {
        stream: true,
      },
    );
  } catch {
    throw unreadable('encoding', { encoding: encoding.label.toUpperCase(), offset: 0 });
  }
  const delimiter = options.delimiter || detectDelimiter(sample);
  let meter = new ReadMeter(0);
  const size = (await fs.promises.stat(filePath)).size;
  const read = (): AsyncGenerator<TableRow> =>
    csvRows(filePath, encoding, delimiter, (meter = new ReadMeter(size)));
  const first = read();
  const header = await first.next().catch(async (error: unknown) => {
    await first.return(undefined);
    throw error;
  });
  await first.return(undefined);
  if (header.done || header.value.cells.every((c) => c.trim() === '')) throw unreadable('empty');
  const headers = header.value.cells.map((c) => c.trim());
  return {
    format: 'csv',
    encoding: encoding.label,
    delimiter,
    headers,
    async *rows() {
      const all = read();
      await all.next();
      yield* all;
    },
    fractionRead: () => meter.fraction(),
  };
}

async function* csvRows(
  filePath: string,
  encoding: Encoding,
  delimiter: string,
  meter: ReadMeter,
): AsyncGenerator<TableRow> {
  const source = meter.watch(
    fs.createReadStream(filePath, { start: encoding.bomBytes, highWaterMark: 256 * 1024 }),
  );
  const text = decoder(encoding);
  const parser = parse({
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    max_record_size: TABLE_LIMITS.maxRecordBytes,
    skip_empty_lines: false,
  });
  // Errors of the file or the decoder reach the parser, whose iterator throws them.
  source.on('error', (e) => parser.destroy(e));
  text.on('error', (e) => parser.destroy(e));
  source.pipe(text).pipe(parser);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      if (record.length > TABLE_LIMITS.maxColumns)
        throw unreadable('too_many_columns', { line: row, max: TABLE_LIMITS.maxColumns });
      if (record.every((c) => c === '')) continue;
      yield { row, cells: record };
    }
  } catch (error) {
    throw csvError(error, row + 1);
  } finally {
    source.destroy();
    text.destroy();
    parser.destroy();
  }
}

function csvError(error: unknown, row: number): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines ?? row;
    if (error.code === 'CSV_MAX_RECORD_SIZE')
      return unreadable('record_too_large', {
        line: row,
        max: `${TABLE_LIMITS.maxRecordBytes / 1024 / 1024} MB`,
      });
    return unreadable('csv_malformed', { line, detail: error.code });
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// XLSX

/** Reads the zip's directory: a workbook that would unpack past the bounds is refused before unpacking. */
async function checkZip(filePath: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(filePath, { lazyEntries: true, autoClose: true }, (error, file) =>
      error || !file ? reject(error ?? new Error('no zip')) : resolve(file),
    ),
  ).catch((error: unknown) => {
    throw unreadable('xlsx_corrupt', { detail: error instanceof Error ? error.message : String(error) });
  });
  const maxBytes = `${TABLE_LIMITS.maxUnpackedBytes / 1024 ** 3} GB`;
  await new Promise<void>((resolve, reject) => {
    let total = 0;
    zip.on('entry', (entry: yauzl.Entry) => {
      total += entry.uncompressedSize;
      const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
      if (
        total > TABLE_LIMITS.maxUnpackedBytes ||
        (entry.uncompressedSize > 1024 ** 2 && ratio > TABLE_LIMITS.maxEntryRatio)
      ) {
        zip.close();
        reject(unreadable('xlsx_too_large', { max: maxBytes }));
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', (error: Error) => reject(unreadable('xlsx_corrupt', { detail: error.message })));
    zip.readEntry();
  });
}

/** A cell's value as the text a clerk sees; dates become ISO dates. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('result' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return '';
  }
  return String(value);
}

async function openXlsx(filePath: string): Promise<OpenedTable> {
  await checkZip(filePath);
  let meter = new ReadMeter(0);
  const size = (await fs.promises.stat(filePath)).size;
  const read = () => xlsxRows(filePath, (meter = new ReadMeter(size)));
  const first = read();
  const header = await first.next();
  await first.return(undefined);
  if (header.done || header.value.cells.every((c) => c.trim() === '')) throw unreadable('empty');
  return {
    format: 'xlsx',
    encoding: null,
    delimiter: null,
    headers: header.value.cells.map((c) => c.trim()),
    async *rows() {
      const all = read();
      await all.next();
      yield* all;
    },
    fractionRead: () => meter.fraction(),
  };
}

/** The first sheet's rows, header first. */
async function* xlsxRows(filePath: string, meter: ReadMeter): AsyncGenerator<TableRow> {
  const source = meter.watch(fs.createReadStream(filePath));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Number formats tell a date cell from a number.
    styles: 'cache',
    hyperlinks: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        if (values.length - 1 > TABLE_LIMITS.maxColumns)
          throw unreadable('too_many_columns', { line: row.number, max: TABLE_LIMITS.maxColumns });
        const cells: string[] = [];
        for (let i = 1; i < values.length; i += 1) cells.push(cellText(values[i]));
        if (cells.every((c) => c === '')) continue;
        yield { row: row.number, cells };
      }
      return;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreadable('xlsx_corrupt', {
      detail: error instanceof Error ? error.message.slice(0, 200) : String(error),
    });
  } finally {
    // ExcelJS leaves its input open when the reading stops early (after the header, on cancel).
    source.destroy();
  }
}
