import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { StoredFile } from '../../models/index.js';
import { projectRoot } from '../../server/config.js';
import { withTransaction } from '../../server/db.js';
import { findDuplicateFiles, saveStoredFiles, type UploadDescriptor } from '../../server/services/storage/stored-files.js';
import { contentDisposition } from '../../server/services/storage/download.js';
import { JpegMetadataFilter, type MetadataFilter, PngMetadataFilter } from '../../server/services/storage/exif.js';
import { BlobNotFoundError, LocalDiskStore, storeFor } from '../../server/services/storage/index.js';
import { FILE_TYPES, UPLOAD_KINDS, uploadKind } from '../../server/services/storage/kinds.js';
import { acceptedType, SNIFF_BYTES, sniff, UploadInspector } from '../../server/services/storage/sniff.js';
import { buildUser } from '../factories/index.js';
import { gbk } from '../support/gbk.js';
import { testConfig } from '../support/hooks.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every entry under `dir`, directories marked with a trailing slash. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

const madeDirs: string[] = [];
/** A directory of its own for one test, under the run's temp upload dir (removed afterwards). */
function freshDir(): string {
  const dir = fs.mkdtempSync(path.join(testConfig().uploadDir, 'storage-unit-'));
  madeDirs.push(dir);
  return dir;
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const length = payload.length + 2;
  return Buffer.concat([Buffer.from([0xff, marker, length >> 8, length & 0xff]), payload]);
}

/** A baseline JPEG's structure with an EXIF and an XMP segment that both hold a GPS position, an IPTC block and comments naming a person and a place. */
function jpegWithLocation(): { jpeg: Buffer; expected: Buffer } {
  const soi = Buffer.from([0xff, 0xd8]);
  const app0 = jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
  const exif = jpegSegment(0xe1, Buffer.from('Exif\0\0MM\0*\0\0\0\x08GPSLatitude 22.5431 N GPSLongitude 114.0579 E', 'latin1'));
  const xmp = jpegSegment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLatitude="22,32.6N"/>', 'latin1'));
  const iptc = jpegSegment(0xed, Buffer.from('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x20\x1c\x02\x5a\0\x08GPS City\x1c\x02\x50\0\x06By-line', 'latin1'));
  const note = jpegSegment(0xfe, Buffer.from('GPS 22.54N: home visit at the Li family, Futian', 'latin1'));
  const dqt = jpegSegment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
  const sof = jpegSegment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
  const dht = jpegSegment(0xc4, Buffer.concat([Buffer.from([0, 0, 1]), Buffer.alloc(14), Buffer.from([0])]));
  const sos = jpegSegment(0xda, Buffer.from([1, 1, 0, 0, 63, 0]));
  // Scan data with a stuffed 0xFF and a restart marker, then a comment and the end.
  const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0x78]);
  const com = jpegSegment(0xfe, Buffer.from('made by a test: GPS camera', 'latin1'));
  const eoi = Buffer.from([0xff, 0xd9]);
  const trailer = Buffer.from('appended image with GPSLatitude', 'latin1');
  return {
    jpeg: Buffer.concat([soi, app0, exif, iptc, note, dqt, xmp, sof, dht, sos, scan, com, eoi, trailer]),
    expected: Buffer.concat([soi, app0, dqt, sof, dht, sos, scan, eoi]),
  };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A 1×1 PNG with an eXIf chunk and an XMP text chunk (both dropped) and a comment (kept). */
function pngWithLocation(): { png: Buffer; expected: Buffer } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = pngChunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
  const exif = pngChunk('eXIf', Buffer.from('MM\0*\0\0\0\x08GPSLatitude 22.5431 N', 'latin1'));
  const xmp = pngChunk('iTXt', Buffer.from('XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta exif:GPSLatitude="22,32.6N"/>', 'latin1'));
  const comment = pngChunk('tEXt', Buffer.from('Comment\0a test image', 'latin1'));
  const idat = pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, 255, 0, 0])));
  const iend = pngChunk('IEND', Buffer.alloc(0));
  return {
    png: Buffer.concat([signature, ihdr, exif, comment, xmp, idat, iend, Buffer.from('GPS trailer')]),
    expected: Buffer.concat([signature, ihdr, comment, idat, iend]),
  };
}

/** A ZIP of stored (uncompressed) entries, as an OOXML document is laid out. */
function zip(entries: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [entryName, content] of entries) {
    const name = Buffer.from(entryName, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(entry, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const DOCX = zip([
  ['[Content_Types].xml', '<?xml version="1.0"?><Types/>'],
  ['_rels/.rels', '<?xml version="1.0"?><Relationships/>'],
  ['word/document.xml', '<?xml version="1.0"?><w:document/>'],
]);

async function xlsx(streaming: boolean): Promise<Buffer> {
  if (!streaming) {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('名单').addRows([
      ['姓名', '电话'],
      ['张三', '138'],
    ]);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true });
  const sheet = writer.addWorksheet('名单');
  for (let i = 0; i < 2000; i++) sheet.addRow([`张三${i}`, 13800000000 + i]).commit();
  sheet.commit();
  await writer.commit();
  return Buffer.concat(chunks);
}

function runFilter(filter: MetadataFilter, input: Buffer, chunkSize: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunkSize) filter.write(input.subarray(i, i + chunkSize), out);
  return Buffer.concat(out);
}

/** What the inspector lets through for a file of `kind` named `name`, or its error. */
async function inspect(kind: keyof typeof UPLOAD_KINDS, name: string, bytes: Buffer, chunkSize = 16 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: Buffer[] = [];
  const inspector = new UploadInspector(uploadKind(kind), name);
  inspector.on('data', (c: Buffer) => out.push(c));
  await pipeline(Readable.from(chunks), inspector);
  return Buffer.concat(out);
}

async function refusalOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { messageKey?: string }).messageKey ?? String(err);
  }
  throw new Error('expected a refusal');
}

describe('file storage', () => {
  after(() => {
    for (const dir of madeDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('upload kinds', () => {
    it('declares every kind with its types, size and count, each type with MIME and endings', () => {
      expect(UPLOAD_KINDS.receipt).to.include({ maxBytes: 10 * 1024 * 1024, maxFiles: 5 });
      expect(UPLOAD_KINDS.call_log.types).to.deep.equal(['csv', 'xlsx']);
      expect(UPLOAD_KINDS.contract_document.types).to.deep.equal(['pdf']);
      for (const kind of Object.values(UPLOAD_KINDS)) {
        expect(kind.maxBytes).to.be.greaterThan(0);
        expect(kind.maxFiles).to.be.greaterThan(0);
        for (const t of kind.types) {
          expect(FILE_TYPES[t].mime).to.match(/^[a-z]+\/[a-z0-9.+-]+$/);
          expect(FILE_TYPES[t].extensions.length).to.be.greaterThan(0);
        }
      }
    });
  });

  describe('LocalDiskStore', () => {
    it('streams a file in under a random fanned-out key, with its size and SHA-256, and gives it back', async () => {
      const dir = freshDir();
      const store = storeFor({ uploadDir: dir });
      const bytes = Buffer.concat([PDF, Buffer.alloc(200_000, 7)]);
      const result = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
      expect(result.key).to.match(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]{36}$/);
      expect(result.key.slice(6, 8)).to.equal(result.key.slice(0, 2));
      expect(result.size).to.equal(bytes.length);
      expect(result.sha256).to.equal(sha256(bytes));
      expect(fs.readFileSync(path.join(dir, result.key)).equals(bytes)).to.equal(true);
      expect(await store.exists(result.key)).to.equal(true);
      const back: Buffer[] = [];
      for await (const c of await store.get(result.key)) back.push(c as Buffer);
      expect(Buffer.concat(back).equals(bytes)).to.equal(true);
      await store.delete(result.key);
      expect(await store.exists(result.key)).to.equal(false);
      expect(tree(dir), 'no empty fan-out directories stay').to.deep.equal([]);
      await store.delete(result.key); // deleting twice is harmless
    });

    it('leaves nothing behind when the stream fails half-way', async () => {
      const dir = freshDir();
      const store = new LocalDiskStore(dir);
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(100_000, 1));
          this.destroy(new Error('the client went away'));
        },
      });
      let error: unknown;
      await store.put(failing).catch((e) => {
        error = e;
      });
      expect(String(error)).to.contain('the client went away');
      expect(tree(dir)).to.deep.equal([]);
    });

    it('never builds a path from a key it could not have made', async () => {
      const store = new LocalDiskStore(freshDir());
      for (const key of ['../../etc/passwd', '/etc/passwd', 'ab/cd/../../x', 'ab/cd/not-a-uuid', '']) {
        expect(await store.exists(key)).to.equal(false);
        let error: unknown;
        await store.get(key).catch((e) => {
          error = e;
        });
        expect(error).to.be.instanceOf(BlobNotFoundError);
      }
      let missing: unknown;
      await store.get('ab/cd/abcd0000-0000-4000-8000-000000000000').catch((e) => {
        missing = e;
      });
      expect(missing).to.be.instanceOf(BlobNotFoundError);
    });

    it('removes temp files a crash left behind, and only old ones', async () => {
      const dir = freshDir();
      const store = new LocalDiskStore(dir);
      fs.writeFileSync(path.join(dir, '.incoming-old'), 'x');
      fs.writeFileSync(path.join(dir, '.incoming-new'), 'x');
      const old = new Date(Date.now() - 2 * 86_400_000);
      fs.utimesSync(path.join(dir, '.incoming-old'), old, old);
      expect(await store.removeAbandonedTemps(86_400_000)).to.equal(1);
      expect(tree(dir)).to.deep.equal(['.incoming-new']);
    });

    it('removes at once what a process killed mid-upload left, never the file a live upload is writing', async function () {
      this.timeout(120_000);
      const dir = freshDir();
      const store = new LocalDiskStore(dir);
      // A live upload of this process, still streaming.
      const live = new PassThrough();
      const writing = store.put(live);
      live.write(Buffer.alloc(1000, 1));
      for (let i = 0; i < 200 && !fs.readdirSync(dir).some((n) => n.includes(`.${process.pid}.`)); i++) await new Promise((r) => setTimeout(r, 20));
      // Another process writing a large upload is killed with SIGKILL half-way (no cleanup can run).
      const script = `
        import { PassThrough } from 'node:stream';
        import { LocalDiskStore } from ${JSON.stringify(pathToFileURL(path.join(projectRoot, 'server/services/storage/local.ts')).href)};
        const source = new PassThrough();
        new LocalDiskStore(process.argv[1]).put(source);
        source.write(Buffer.alloc(4 * 1024 * 1024, 2));
        const { readdirSync } = await import('node:fs');
        while (!readdirSync(process.argv[1]).some((n) => n.includes('.' + process.pid + '.'))) await new Promise((r) => setTimeout(r, 20));
        process.stdout.write('writing\\n');
        setInterval(() => source.write(Buffer.alloc(1024, 3)), 50);`;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => c.toString().includes('writing') && resolve());
        child.on('exit', (code) => reject(new Error(`the writer exited early (${code})`)));
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const temps = () => fs.readdirSync(dir).filter((n) => n.startsWith('.incoming-'));
      expect(temps(), 'the killed upload and the live one').to.have.length(2);

      // What housekeeping does at every start and then periodically, with the usual hour of grace.
      expect(await store.removeAbandonedTemps(3_600_000)).to.equal(1);
      expect(temps(), 'only the live upload is left').to.have.length(1);
      expect(temps()[0]).to.contain(`.${process.pid}.`);

      live.end(Buffer.alloc(10, 4));
      const { key } = await writing;
      expect(temps()).to.deep.equal([]);
      expect(tree(dir).filter((p) => !p.endsWith('/'))).to.deep.equal([key]);
    });
  });

  describe('sniffing', () => {
    it('recognises each allowed type from its bytes', async () => {
      const { jpeg } = jpegWithLocation();
      const { png } = pngWithLocation();
      expect(sniff(PDF)).to.equal('pdf');
      expect(sniff(jpeg)).to.equal('jpeg');
      expect(sniff(png)).to.equal('png');
      expect(sniff(DOCX)).to.equal('docx');
      expect(sniff(await xlsx(false))).to.equal('xlsx');
      expect(sniff((await xlsx(true)).subarray(0, SNIFF_BYTES)), 'a streamed workbook within the first bytes').to.equal('xlsx');
      expect(sniff(Buffer.from('\ufeff姓名,电话,日期\r\n张三,138,2026-11-29\r\n', 'utf8'))).to.equal('csv');
      expect(sniff(Buffer.from('name\tcalls\nA\t3\n', 'utf8'))).to.equal('csv');
      // A bank's export names the bank and the account above its header row (#18).
      expect(sniff(Buffer.from('\ufeff中国工商银行 账户交易明细\r\n交易日期,交易流水号,借方发生额\r\n', 'utf8'))).to.equal('csv');
      expect(sniff(Buffer.from('just a line of text\nand another\n', 'utf8'))).to.equal(null);
    });

    it('recognises nothing else', () => {
      expect(sniff(Buffer.from('<!DOCTYPE html><html><script>alert(1)</script>,</html>'))).to.equal(null);
      expect(sniff(Buffer.concat([Buffer.from('MZ\x90\0\x03\0\0\0', 'latin1'), Buffer.alloc(64)]))).to.equal(null);
      expect(sniff(Buffer.from('a,b\n\0\0binary', 'latin1'))).to.equal(null);
      expect(sniff(Buffer.from([0x61, 0x2c, 0x62, 0xff, 0xfe, 0x0a]))).to.equal(null);
      expect(sniff(Buffer.from('just a sentence without any delimiter\n'))).to.equal(null);
      expect(sniff(zip([['hello.txt', 'hi']]))).to.equal(null);
      expect(
        sniff(
          zip([
            ['word/a.xml', 'a'],
            ['xl/b.xml', 'b'],
          ]),
        ),
        'ambiguous OOXML',
      ).to.equal(null);
      expect(sniff(Buffer.alloc(0))).to.equal(null);
    });

    it('accepts a type only when the kind allows it and the name agrees', () => {
      const receipt = uploadKind('receipt');
      expect(acceptedType(receipt, '发票.PDF', PDF).mime).to.equal('application/pdf');
      expect(() => acceptedType(receipt, 'photo.png', PDF)).to.throw('wrongType');
      expect(() => acceptedType(receipt, 'report.docx', DOCX)).to.throw('wrongType');
      expect(() => acceptedType(uploadKind('deliverable_attachment'), 'report.xlsx', DOCX)).to.throw('wrongType');
      expect(acceptedType(uploadKind('deliverable_attachment'), 'report.docx', DOCX).id).to.equal('docx');
      expect(() => acceptedType(uploadKind('contract_document'), 'scan.jpg', jpegWithLocation().jpeg)).to.throw('wrongType');
    });

    it('checks a CSV is text to its very end, not only in its first bytes', async () => {
      const good = Buffer.from(`姓名,电话\n${'张三,1\n'.repeat(20_000)}`, 'utf8');
      expect((await inspect('call_log', 'calls.csv', good)).equals(good)).to.equal(true);
      const late = Buffer.concat([good, Buffer.from([0xc3, 0x28])]);
      expect(await refusalOf(inspect('call_log', 'calls.csv', late))).to.equal('upload.wrongType');
      const nul = Buffer.concat([good, Buffer.from('x\0y')]);
      expect(await refusalOf(inspect('call_log', 'calls.csv', nul))).to.equal('upload.wrongType');
      const cut = Buffer.concat([good, Buffer.from('张', 'utf8').subarray(0, 2)]);
      expect(await refusalOf(inspect('call_log', 'calls.csv', cut)), 'ends inside a character').to.equal('upload.wrongType');
    });

    it('takes a GBK/GB 18030 CSV (Excel on a Chinese Windows) and stores it as UTF-8', async () => {
      const text = `姓名,电话\r\n${'张三,热线转介民政\r\n'.repeat(10_000)}`;
      expect(sniff(gbk(text).subarray(0, SNIFF_BYTES))).to.equal('csv');
      const stored = await inspect('call_log', '来电.csv', gbk(text));
      expect(stored.equals(Buffer.concat([Buffer.from('\ufeff', 'utf8'), Buffer.from(text, 'utf8')]))).to.equal(true);
      for (const size of [1, 3, 4096]) {
        const cut = await inspect('call_log', '来电.csv', gbk(text), size);
        expect(cut.toString('utf8').replace(/^\ufeff/, ''), `in ${size}-byte pieces`).to.equal(text);
      }
      const asciiFirst = `name,calls\n${'a,1\n'.repeat(20_000)}区,2\n`;
      const late = await inspect('call_log', 'calls.csv', gbk(asciiFirst));
      expect(late.toString('utf8'), 'ASCII first, GBK after the first bytes').to.equal(asciiFirst);
      const utf8ThenGbk = Buffer.concat([Buffer.from(`姓名,电话\n${'张三,1\n'.repeat(20_000)}`, 'utf8'), gbk('李四,2\n')]);
      expect(await refusalOf(inspect('call_log', 'calls.csv', utf8ThenGbk)), 'one file, two encodings').to.equal('upload.wrongType');
    });

    it('counts bytes against the kind and refuses an empty file', async () => {
      const big = Buffer.concat([PDF, Buffer.alloc(uploadKind('receipt').maxBytes)]);
      expect(await refusalOf(inspect('receipt', 'big.pdf', big, 1024 * 1024))).to.equal('upload.tooLarge');
      expect(await refusalOf(inspect('receipt', 'empty.pdf', Buffer.alloc(0)))).to.equal('upload.empty');
    });
  });

  describe('photo location', () => {
    it('drops the EXIF, XMP, IPTC and comment segments of a JPEG and keeps every other byte, however it is cut', async () => {
      const { jpeg, expected } = jpegWithLocation();
      expect(jpeg.includes('GPSLatitude')).to.equal(true);
      for (const size of [1, 2, 3, 7, 64, jpeg.length]) {
        const out = runFilter(new JpegMetadataFilter(), jpeg, size);
        expect(out.equals(expected), `cut into ${size}-byte pieces`).to.equal(true);
      }
      const stored = await inspect('receipt', 'photo.jpg', jpeg);
      expect(stored.includes('GPS')).to.equal(false);
      expect(stored.includes('Li family') || stored.includes('By-line'), 'no names or places from IPTC or comments').to.equal(false);
      expect(stored.subarray(0, 2).equals(Buffer.from([0xff, 0xd8]))).to.equal(true);
      expect(stored.subarray(-2).equals(Buffer.from([0xff, 0xd9]))).to.equal(true);
    });

    it('drops the eXIf chunk and XMP text of a PNG and keeps the image valid', async () => {
      const { png, expected } = pngWithLocation();
      for (const size of [1, 5, 13, png.length]) {
        expect(runFilter(new PngMetadataFilter(), png, size).equals(expected), `cut into ${size}-byte pieces`).to.equal(true);
      }
      const stored = await inspect('receipt', 'map.png', png);
      expect(stored.includes('GPS')).to.equal(false);
      expect(stored.includes('a test image'), 'ordinary text chunks stay').to.equal(true);
    });

    it('refuses a "JPEG" whose segments are broken', async () => {
      const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01]), Buffer.alloc(100)]);
      expect(await refusalOf(inspect('receipt', 'broken.jpg', broken))).to.equal('upload.wrongType');
    });
  });

  describe('downloads', () => {
    it('names the file for every client: RFC 5987 UTF-8 and an ASCII fallback', () => {
      const header = contentDisposition('服务报告（2026年11月）.pdf');
      expect(header).to.match(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9%!#$&+\-.^_`|~]+$/);
      expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(header)![1])).to.equal('服务报告（2026年11月）.pdf');
      expect(contentDisposition('a "quoted"\\name.pdf')).to.contain('filename="a _quoted__name.pdf"');
      expect(contentDisposition('发票.pdf')).to.contain('filename="download.pdf"');
    });
  });

  describe('stored files', () => {
    it('recognises the same file uploaded twice, within the scope asked about', async () => {
      const { user } = await buildUser('org');
      const bytes = Buffer.from(`%PDF-1.4 ${Math.random()}`);
      const store = storeFor({ uploadDir: freshDir() });
      const first = await store.put(Readable.from([bytes]));
      const second = await store.put(Readable.from([bytes]));
      expect(second.sha256).to.equal(first.sha256);
      const descriptor = (r: typeof first, name: string): UploadDescriptor => ({
        ...r,
        kind: 'receipt',
        fieldName: 'file',
        originalName: name,
        mimeType: 'application/pdf',
      });
      const context = { kind: 'receipt' as const, uploadedBy: user.id, organisationId: user.organisationId, districtId: user.districtId };
      const [saved] = await withTransaction((t) => saveStoredFiles([descriptor(first, '第一次.pdf')], context, t));
      const again = descriptor(second, '第二次.pdf');
      const found = await findDuplicateFiles([again], { kind: 'receipt', organisationId: user.organisationId });
      expect(found).to.have.length(1);
      expect(found[0].existing.id).to.equal(saved.id);
      expect(found[0].existing.originalName).to.equal('第一次.pdf');
      expect(found[0].upload).to.equal(again);
      expect(await findDuplicateFiles([again], { kind: 'contract_document', organisationId: user.organisationId })).to.deep.equal([]);
      const other = await buildUser('org');
      expect(await findDuplicateFiles([again], { kind: 'receipt', organisationId: other.user.organisationId }), 'another organisation').to.deep.equal([]);
      const row = await StoredFile.findByPk(saved.id);
      expect(row!.size).to.equal(bytes.length);
      expect(row!.sha256).to.equal(sha256(bytes));
    });
  });
});
