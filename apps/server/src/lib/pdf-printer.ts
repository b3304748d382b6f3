import fs from 'node:fs';
import { AppError } from '@rollbook/domain';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Prints HTML pages to PDF with the machine's Chromium (house style: pdfmake cannot lay out
 * right-to-left text; Chromium shapes Arabic, Persian, Devanagari and stacked Vietnamese diacritics
 * with the system's Noto fonts). The browser is started on the first page asked for, kept for the
 * next ones, and closed with the server; a few pages print at a time, the rest wait their turn.
 */
export interface PdfPrinter {
  /** A self-contained HTML page (no network: styles inline) as an A4 PDF. */
  print(html: string): Promise<Buffer>;
  /** Runs work on a fresh page of the shared browser, within the same bound (tests render with it). */
  withPage<T>(work: (page: Page) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Flags for a headless server: no sandbox (containers), GPU, sync, updates or background traffic. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function createPdfPrinter(executablePath: string, options: { concurrency?: number } = {}): PdfPrinter {
  const slots = options.concurrency ?? 2;
  let running = 0;
  const waiting: Array<() => void> = [];
  let browser: Promise<Browser> | undefined;
  let closed = false;

  const acquire = async () => {
    if (running < slots) {
      running += 1;
      return;
    }
    // The slot is handed over by release: running stays the same.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };

  const unavailable = (cause?: unknown) =>
    new AppError('pdf_unavailable', {
      message: `Chromium at ${executablePath} is not available${cause instanceof Error ? `: ${cause.message}` : ''}`,
    });

  function launch(): Promise<Browser> {
    if (closed) return Promise.reject(unavailable());
    if (!browser) {
      const started = (async () => {
        if (!fs.existsSync(executablePath)) throw unavailable();
        try {
          const b = await chromium.launch({ executablePath, args: ARGS, timeout: 30_000 });
          // A browser that crashed or was killed is started again on the next page.
          b.on('disconnected', () => {
            if (browser === started) browser = undefined;
          });
          return b;
        } catch (error) {
          throw unavailable(error);
        }
      })();
      browser = started;
      // A failed start is forgotten, so installing Chromium later needs no restart.
      started.catch(() => {
        if (browser === started) browser = undefined;
      });
    }
    return browser;
  }

  async function withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
    await acquire();
    try {
      const b = await launch();
      // A context of its own per page: nothing (cookies, storage) is shared between prints.
      const context = await b.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        return await work(page);
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      release();
    }
  }

  return {
    withPage,
    print: (html) =>
      withPage(async (page) => {
        await page.setContent(html, { waitUntil: 'load' });
        return page.pdf({
          format: 'A4',
          printBackground: true,
          margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' },
        });
      }),
    async close() {
      closed = true;
      const b = browser;
      browser = undefined;
      if (b) await (await b.catch(() => undefined))?.close();
    },
  };
}

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
