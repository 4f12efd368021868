import fs from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * PDFs of the printable forms (支付审批表, claim form, evaluation report, lottery-fund
 * announcement), printed by Debian's headless Chromium from the very HTML the page shows, so the
 * content is the page's and the Chinese text is set in the installed Noto CJK fonts, which
 * Chromium embeds (subset) in the PDF. Chosen over a JavaScript PDF library (pdfkit, pdf-lib),
 * which would lay each form out a second time by hand and could drift from the page. The browser
 * is `CHROMIUM_PATH` (apt `chromium` and `fonts-noto-cjk`, which CI installs for the browser
 * tests too); without it a PDF is refused with `PdfUnavailableError`, and the page still prints.
 */

/** The PDF printer is not installed on this server: the message says what to install. */
export class PdfUnavailableError extends Error {
  constructor(readonly chromiumPath: string) {
    super(`No Chromium at ${chromiumPath}: PDFs need Debian's chromium and fonts-noto-cjk (apt-get install chromium fonts-noto-cjk) or CHROMIUM_PATH`);
    this.name = 'PdfUnavailableError';
  }
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

/** Whether PDFs can be printed here. */
export function pdfAvailable(chromiumPath: string): boolean {
  try {
    fs.accessSync(chromiumPath, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** At most two Chromiums per process print at once (each takes ~150 MB); the others wait their turn. */
const MAX_BROWSERS = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function turn(): Promise<() => void> {
  if (running >= MAX_BROWSERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  return () => {
    running -= 1;
    waiting.shift()?.();
  };
}

/**
 * A Chromium opened for a batch of PDFs (a dossier prints all its forms with one), closed by
 * `close()`. Pages may fetch nothing: every request is refused, so a form prints only what its
 * HTML holds (styles inline) and no page can reach the network.
 */
export class PdfPrinter {
  private browser: Promise<Browser> | null = null;
  private release: (() => void) | null = null;

  constructor(private readonly chromiumPath: string) {}

  private open(): Promise<Browser> {
    if (!pdfAvailable(this.chromiumPath)) return Promise.reject(new PdfUnavailableError(this.chromiumPath));
    this.browser ??= turn().then(async (release) => {
      this.release = release;
      try {
        // Loaded here, at the first PDF (#15): playwright-core holds ~30 MB of heap (its bundles'
        // source alone is 13 MB), which a process that prints nothing should not carry.
        const { chromium } = await import('playwright-core');
        return await chromium.launch({ executablePath: this.chromiumPath, headless: true, args: ARGS });
      } catch (err) {
        release();
        this.release = null;
        throw err;
      }
    });
    return this.browser;
  }

  /** The PDF of a standalone HTML page (A4, as the page's print styles lay it out). */
  async print(html: string): Promise<Buffer> {
    const browser = await this.open();
    const page = await browser.newPage({ javaScriptEnabled: false });
    try {
      await page.route('**/*', (route) => route.abort());
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = null;
    if (browser) await (await browser.catch(() => null))?.close();
    this.release?.();
    this.release = null;
  }
}

/** Prints one page with a Chromium of its own, closed afterwards. */
export async function printPdf(chromiumPath: string, html: string): Promise<Buffer> {
  const printer = new PdfPrinter(chromiumPath);
  try {
    return await printer.print(html);
  } finally {
    await printer.close();
  }
}
