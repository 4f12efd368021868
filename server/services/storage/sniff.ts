import { Transform, type TransformCallback } from 'node:stream';
import { MalformedImageError, type MetadataFilter, metadataFilterFor } from './exif.js';
import { FILE_TYPES, type FileType, type FileTypeId, type UploadKind, typesForName } from './kinds.js';

/**
 * How much of a file is read before its type is decided. OOXML needs the most: DOCX and XLSX
 * are both ZIP files, told apart by the names of the first entries (`word/…`, `xl/…`), which
 * come after `[Content_Types].xml` and `_rels/.rels`, a few hundred bytes each when compressed.
 */
export const SNIFF_BYTES = 64 * 1024;

export const UPLOAD_REFUSALS = ['tooLarge', 'wrongType', 'tooMany', 'aborted', 'malformed', 'empty', 'required'] as const;
export type UploadRefusalReason = (typeof UPLOAD_REFUSALS)[number];

/** An upload the user must change: shown beside the file field as `upload.<reason>`. */
export class UploadRefusedError extends Error {
  constructor(readonly reason: UploadRefusalReason) {
    super(`Upload refused: ${reason}`);
    this.name = 'UploadRefusedError';
  }

  get messageKey(): string {
    return `upload.${this.reason}`;
  }
}

const PDF = Buffer.from('%PDF-', 'latin1');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** C0 controls other than tab, line feed, form feed and carriage return, and DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

const startsWith = (bytes: Buffer, prefix: Buffer) => bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);

/**
 * DOCX or XLSX from the entry names of the ZIP local file headers in `head`. Compressed data
 * could hold the signature by chance; a false entry would need a plausible name as well.
 */
function officeTypeOf(head: Buffer): FileTypeId | null {
  let word = false;
  let excel = false;
  for (let at = head.indexOf(ZIP_LOCAL_HEADER); at !== -1; at = head.indexOf(ZIP_LOCAL_HEADER, at + 4)) {
    if (at + 30 > head.length) break;
    const nameLength = head.readUInt16LE(at + 26);
    if (at + 30 + nameLength > head.length) break;
    const name = head.toString('utf8', at + 30, at + 30 + nameLength);
    if (name.startsWith('word/')) word = true;
    else if (name.startsWith('xl/')) excel = true;
  }
  if (word === excel) return null;
  return word ? 'docx' : 'xlsx';
}

/**
 * The encodings a CSV may come in: UTF-8 (with or without BOM), and GB 18030 (a superset of GBK,
 * what Excel on a Chinese Windows writes as "CSV"). A GB 18030 file is stored as UTF-8, so every
 * reader downstream reads one encoding.
 */
type CsvEncoding = 'utf-8' | 'gb18030';

const isAscii = (bytes: Buffer) => bytes.every((b) => b < 0x80);

/** The text of a sample in the first encoding it decodes in (`stream`: it may end inside a character). */
function decodeSample(body: Buffer): { text: string; encoding: CsvEncoding } | null {
  for (const encoding of ['utf-8', 'gb18030'] as const) {
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(body, { stream: true }), encoding };
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * How many lines a CSV may start with before the first one with a delimiter: bank and treasury
 * exports put the bank's name, the account and the period above the header row (#18).
 */
const CSV_TITLE_LINES = 10;

/** Text (UTF-8 or GB 18030) without NULs or control characters with a delimiter in one of its first lines. */
function looksLikeCsv(head: Buffer): boolean {
  const body = startsWith(head, UTF8_BOM) ? head.subarray(UTF8_BOM.length) : head;
  if (body.length === 0 || body.includes(0)) return false;
  const sample = decodeSample(body);
  if (!sample || CONTROL_CHARACTERS.test(sample.text)) return false;
  const trimmed = sample.text.trimStart();
  // Markup is not a spreadsheet, whatever its name says.
  if (trimmed.startsWith('<')) return false;
  return trimmed.split(/\r?\n/, CSV_TITLE_LINES).some((line) => /[,;\t]/.test(line));
}

/** The type of a file from its first bytes (`SNIFF_BYTES` or the whole file), or null. */
export function sniff(head: Buffer): FileTypeId | null {
  if (startsWith(head, PDF)) return 'pdf';
  if (startsWith(head, PNG)) return 'png';
  if (startsWith(head, JPEG)) return 'jpeg';
  if (startsWith(head, ZIP_LOCAL_HEADER)) return officeTypeOf(head);
  if (looksLikeCsv(head)) return 'csv';
  return null;
}

/**
 * The type a file of this kind and name really is: what its bytes say, provided the kind allows
 * it and the name's ending agrees (a PDF called `.png` is refused, so is an HTML page called
 * `.pdf`). Refuses with `wrongType` otherwise.
 */
export function acceptedType(kind: UploadKind, fileName: string, head: Buffer): FileType {
  const sniffed = sniff(head);
  if (!sniffed || !typesForName(kind, fileName).includes(sniffed)) throw new UploadRefusedError('wrongType');
  return FILE_TYPES[sniffed];
}

/**
 * Checks that the whole of a CSV, not just its first bytes, is text, and turns GB 18030 into
 * UTF-8. The encoding is decided at the first byte outside ASCII (where the two differ): UTF-8
 * if that chunk decodes as UTF-8, otherwise GB 18030; a file mixing both is refused.
 */
class CsvText {
  private encoding: CsvEncoding | undefined;
  private decoder: TextDecoder | undefined;

  /** The bytes to store for `chunk`: itself, or its UTF-8 form when the file is GB 18030. */
  write(chunk: Buffer, atStart: boolean): Buffer {
    if (chunk.includes(0)) throw new UploadRefusedError('wrongType');
    if (!this.encoding) {
      if (isAscii(chunk)) return chunk;
      const body = atStart && startsWith(chunk, UTF8_BOM) ? chunk.subarray(UTF8_BOM.length) : chunk;
      const sample = decodeSample(body);
      if (!sample) throw new UploadRefusedError('wrongType');
      this.encoding = sample.encoding;
      this.decoder = new TextDecoder(this.encoding, { fatal: true, ignoreBOM: false });
      const text = this.decode(() => this.decoder?.decode(chunk, { stream: true }) ?? '');
      if (this.encoding === 'utf-8') return chunk;
      return Buffer.concat([atStart ? UTF8_BOM : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
    }
    const text = this.decode(() => this.decoder?.decode(chunk, { stream: true }) ?? '');
    return this.encoding === 'utf-8' ? chunk : Buffer.from(text, 'utf8');
  }

  end(): Buffer {
    const text = this.decode(() => this.decoder?.decode() ?? '');
    return this.encoding === 'gb18030' ? Buffer.from(text, 'utf8') : Buffer.alloc(0);
  }

  private decode(decode: () => string): string {
    let text: string;
    try {
      text = decode();
    } catch {
      throw new UploadRefusedError('wrongType');
    }
    if (CONTROL_CHARACTERS.test(text)) throw new UploadRefusedError('wrongType');
    return text;
  }
}

/**
 * The stream every uploaded file passes through on its way to the store: it holds back the
 * first `SNIFF_BYTES`, decides the type from them (refusing what the kind does not allow),
 * counts the bytes against the kind's limit, checks a CSV is text to its end (storing a GB 18030
 * one as UTF-8), and strips
 * location metadata from photos. What comes out is what is stored and hashed.
 */
export class UploadInspector extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private received = 0;
  private type: FileType | undefined;
  private metadataFilter: MetadataFilter | undefined;
  private text: CsvText | undefined;
  private passedAny = false;

  constructor(
    private readonly kind: UploadKind,
    private readonly fileName: string,
  ) {
    super();
  }

  /** The accepted type, once decided. */
  get fileType(): FileType | undefined {
    return this.type;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.guard(callback, () => {
      this.received += chunk.length;
      if (this.received > this.kind.maxBytes) throw new UploadRefusedError('tooLarge');
      if (this.type) return this.pass(chunk);
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes >= SNIFF_BYTES) this.decide();
    });
  }

  override _flush(callback: TransformCallback): void {
    this.guard(callback, () => {
      if (this.received === 0) throw new UploadRefusedError('empty');
      if (!this.type) this.decide();
      const rest = this.text?.end();
      if (rest?.length) this.push(rest);
    });
  }

  private decide(): void {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    this.type = acceptedType(this.kind, this.fileName, head);
    this.metadataFilter = metadataFilterFor(this.type.id);
    if (this.type.id === 'csv') this.text = new CsvText();
    this.pass(head);
  }

  private pass(chunk: Buffer): void {
    const atStart = !this.passedAny;
    this.passedAny = true;
    if (this.text) {
      this.push(this.text.write(chunk, atStart));
      return;
    }
    if (!this.metadataFilter) {
      this.push(chunk);
      return;
    }
    const kept: Buffer[] = [];
    this.metadataFilter.write(chunk, kept);
    for (const part of kept) this.push(part);
  }

  private guard(callback: TransformCallback, work: () => void): void {
    try {
      work();
      callback();
    } catch (err) {
      callback(err instanceof MalformedImageError ? new UploadRefusedError('wrongType') : (err as Error));
    }
  }
}
