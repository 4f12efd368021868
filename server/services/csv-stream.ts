/**
 * RFC 4180 CSV read as a stream, chunk by chunk, so a file of any length is never held in memory
 * (DESIGN.md: long imports stream, with bounded memory). What is held at once is one chunk of the
 * input, the records completed in it, and the record being read; a record longer than
 * `maxRecordChars` (an unclosed quote swallowing the rest of the file, for one) stops the read
 * instead of growing without bound.
 *
 * UTF-8 only, with or without a byte-order mark; bytes that are not UTF-8 (a file Excel saved as
 * GBK "CSV" rather than "CSV UTF-8") stop the read with `notUtf8` rather than becoming U+FFFD.
 * Quoted fields may hold commas, line breaks and doubled quotes; CRLF, LF and lone CR all end a
 * line. Lenient where Excel is: a quote inside an unquoted field is kept as it is.
 */

/** One record: the physical line (1-based) it starts on, and its fields. */
export type CsvRecord = { line: number; cells: string[] };

export type CsvProblem = 'notUtf8' | 'recordTooLong' | 'tooManyColumns' | 'unclosedQuote';

/** Why a CSV stream could not be read; `line` is where the offending record starts. */
export class CsvStreamError extends Error {
  constructor(
    readonly reason: CsvProblem,
    readonly line: number,
  ) {
    super(`csv: ${reason} at line ${line}`);
  }
}

export type CsvLimits = { maxRecordChars: number; maxColumns: number };
export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRecordChars: 16_384, maxColumns: 64 };

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * The state machine behind `csvRecords`: text goes in a chunk at a time (a chunk may end anywhere,
 * inside a quoted field, between a CR and its LF, or between a quote and the quote doubling it),
 * and the records completed by that chunk come out.
 */
export class CsvSplitter {
  private cells: string[] = [];
  private field = '';
  /** Characters in the record so far, to enforce `maxRecordChars`. */
  private size = 0;
  private quoted = false;
  /** A quote seen inside a quoted field: the next character says whether it was doubled or closing. */
  private quoteSeen = false;
  /** A CR ended the last line: a LF right after it belongs to the same line break. */
  private crSeen = false;
  /** The physical line being read, and the one the current record started on. */
  private line = 1;
  private recordLine = 1;

  constructor(private readonly limits: CsvLimits = DEFAULT_CSV_LIMITS) {}

  /** The physical line being read (for errors found outside the splitter). */
  get currentLine(): number {
    return this.line;
  }

  /** The records completed by this chunk of text. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let start = 0; // start of the pending slice of `text` that belongs to `field`
    const take = (end: number) => {
      if (end > start) this.field += text.slice(start, end);
    };
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (this.crSeen) {
        this.crSeen = false;
        if (c === LF) {
          // The LF of a CRLF whose CR already ended the line (or, in quotes, was counted).
          if (this.quoted) this.grow(1);
          else start = i + 1;
          continue;
        }
      }
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (c === QUOTE) {
          // A doubled quote: one literal quote; the first was not taken, this one is.
          start = i;
          this.grow(1);
          continue;
        }
        // A closing quote: this character is read as outside quotes.
        this.quoted = false;
      }
      if (this.quoted) {
        if (c === QUOTE) {
          take(i);
          start = i + 1;
          this.quoteSeen = true;
          continue;
        }
        if (c === CR || c === LF) {
          this.line += 1;
          this.crSeen = c === CR;
        }
        this.grow(1);
        continue;
      }
      if (c === QUOTE && this.field === '' && start === i) {
        this.quoted = true;
        start = i + 1;
      } else if (c === COMMA) {
        take(i);
        this.endField();
        start = i + 1;
      } else if (c === LF || c === CR) {
        take(i);
        this.endField();
        const record: CsvRecord = { line: this.recordLine, cells: this.cells };
        this.cells = [];
        this.size = 0;
        this.line += 1;
        this.recordLine = this.line;
        if (c === CR) this.crSeen = true;
        start = i + 1;
        if (!isBlank(record.cells)) out.push(record);
      } else {
        this.grow(1);
      }
    }
    // What is left of this chunk belongs to the field being read.
    take(text.length);
    return out;
  }

  /** The last record, when the text does not end with a line break. */
  end(): CsvRecord[] {
    if (this.quoted && !this.quoteSeen) throw new CsvStreamError('unclosedQuote', this.recordLine);
    if (this.field === '' && this.cells.length === 0) return [];
    this.endField();
    const record = { line: this.recordLine, cells: this.cells };
    this.cells = [];
    return isBlank(record.cells) ? [] : [record];
  }

  private grow(n: number): void {
    this.size += n;
    if (this.size > this.limits.maxRecordChars) throw new CsvStreamError('recordTooLong', this.recordLine);
  }

  private endField(): void {
    this.cells.push(this.field);
    this.field = '';
    this.quoted = false;
    this.quoteSeen = false;
    if (this.cells.length > this.limits.maxColumns) throw new CsvStreamError('tooManyColumns', this.recordLine);
  }
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/**
 * The records of a CSV byte stream, read one chunk at a time as the consumer asks for them: the
 * stream is pulled only as fast as records are taken, so memory holds one chunk's records, never
 * the file. Blank lines (every field empty or spaces) are skipped; line numbers count them.
 */
export async function* csvRecords(input: AsyncIterable<Buffer | Uint8Array | string>, limits: CsvLimits = DEFAULT_CSV_LIMITS): AsyncGenerator<CsvRecord> {
  // `fatal`: bytes that are not UTF-8 are an error, not U+FFFD; the BOM is dropped (ignoreBOM false).
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const splitter = new CsvSplitter(limits);
  const decode = (chunk: Buffer | Uint8Array | undefined, stream: boolean): string => {
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      throw new CsvStreamError('notUtf8', splitter.currentLine);
    }
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decode(chunk, true);
    yield* splitter.push(text);
  }
  const rest = decode(undefined, false);
  if (rest) yield* splitter.push(rest);
  yield* splitter.end();
}
