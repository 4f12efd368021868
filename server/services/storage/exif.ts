/**
 * Streaming filters that take the location out of photos before they are stored (SECURITY.md
 * "Photos are served without their EXIF location"). They parse only the container (JPEG
 * segments, PNG chunks), never decode the image, and hold at most a few dozen bytes at a time.
 *
 * Dropped: JPEG APP1 segments (EXIF, which holds the GPS IFD, and XMP, which can repeat it),
 * APP13 (Photoshop IPTC: by-line, city, sub-location) and COM comments (free text a camera or an
 * editor writes, names and places included),
 * PNG `eXIf` chunks and PNG text chunks carrying XMP or raw EXIF profiles, and anything after
 * the image's end marker (where phones append further images, each with its own EXIF). The
 * EXIF orientation goes with it; phones that store rotated pixels plus an orientation tag will
 * show such a photo turned.
 */

/** The container is broken in a way no decoder would accept: the upload is refused. */
export class MalformedImageError extends Error {
  constructor(what: string) {
    super(`Malformed image: ${what}`);
    this.name = 'MalformedImageError';
  }
}

export interface MetadataFilter {
  /** Appends to `out` the parts of `chunk` that are kept. */
  write(chunk: Buffer, out: Buffer[]): void;
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP1 = 0xe1;
const APP13 = 0xed;
const COM = 0xfe;
/** The segments that carry who, where and free text; the rest (JFIF, ICC colour, Adobe, tables, frames, scans) are kept. */
const DROPPED_SEGMENTS = new Set([APP1, APP13, COM]);

type JpegState = 'marker' | 'markerCode' | 'length' | 'segment' | 'entropy' | 'entropyFF' | 'trailer';

/** JPEG: copies every segment except APP1, APP13 and COM, following entropy-coded scans to their markers. */
export class JpegMetadataFilter implements MetadataFilter {
  private state: JpegState = 'marker';
  private started = false;
  private code = 0;
  private lengthHigh = -1;
  private remaining = 0;
  private dropping = false;

  write(chunk: Buffer, out: Buffer[]): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      switch (this.state) {
        case 'marker': {
          // Decoders skip stray bytes between segments (libjpeg: "extraneous bytes"); so do we.
          const ff = chunk.indexOf(0xff, i);
          if (ff === -1) {
            if (!this.started) throw new MalformedImageError('JPEG does not start with SOI');
            i = n;
          } else {
            if (!this.started && ff !== 0) throw new MalformedImageError('JPEG does not start with SOI');
            i = ff + 1;
            this.state = 'markerCode';
          }
          break;
        }
        case 'markerCode': {
          const c = chunk[i++];
          if (c !== 0xff) this.onMarker(c, out); // 0xFF is fill before the marker code
          break;
        }
        case 'length': {
          const b = chunk[i++];
          if (this.lengthHigh < 0) {
            this.lengthHigh = b;
            break;
          }
          const length = (this.lengthHigh << 8) | b;
          if (length < 2) throw new MalformedImageError('JPEG segment length below 2');
          if (!this.dropping) out.push(Buffer.from([this.lengthHigh, b]));
          this.remaining = length - 2;
          this.state = 'segment';
          if (this.remaining === 0) this.endSegment();
          break;
        }
        case 'segment': {
          const take = Math.min(this.remaining, n - i);
          if (!this.dropping) out.push(chunk.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.endSegment();
          break;
        }
        case 'entropy': {
          const ff = chunk.indexOf(0xff, i);
          const end = ff === -1 ? n : ff;
          if (end > i) out.push(chunk.subarray(i, end));
          i = end;
          if (ff !== -1) {
            i += 1;
            this.state = 'entropyFF';
          }
          break;
        }
        case 'entropyFF': {
          const c = chunk[i++];
          if (c === 0x00 || (c >= 0xd0 && c <= 0xd7)) {
            // A stuffed 0xFF or a restart marker: still scan data.
            out.push(Buffer.from([0xff, c]));
            this.state = 'entropy';
          } else if (c !== 0xff) {
            this.onMarker(c, out);
          }
          break;
        }
        case 'trailer':
          i = n;
          break;
      }
    }
  }

  private onMarker(c: number, out: Buffer[]): void {
    if (!this.started) {
      if (c !== SOI) throw new MalformedImageError('JPEG does not start with SOI');
      this.started = true;
      out.push(Buffer.from([0xff, SOI]));
      this.state = 'marker';
      return;
    }
    if (c === EOI) {
      out.push(Buffer.from([0xff, EOI]));
      this.state = 'trailer';
      return;
    }
    if (c === 0x00) throw new MalformedImageError('JPEG marker 0x00 outside a scan');
    if (c === 0x01 || (c >= 0xd0 && c <= SOI)) {
      // Markers without a length (TEM, RSTn, a repeated SOI).
      out.push(Buffer.from([0xff, c]));
      this.state = 'marker';
      return;
    }
    this.code = c;
    this.dropping = DROPPED_SEGMENTS.has(c);
    if (!this.dropping) out.push(Buffer.from([0xff, c]));
    this.lengthHigh = -1;
    this.state = 'length';
  }

  private endSegment(): void {
    this.state = this.code === SOS ? 'entropy' : 'marker';
    this.dropping = false;
  }
}

const PNG_TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt']);
/** Longest PNG keyword (79) plus its NUL terminator. */
const PNG_KEYWORD_BYTES = 80;

function isPngMetadataKeyword(keyword: string): boolean {
  return keyword === 'XML:com.adobe.xmp' || keyword.toLowerCase().startsWith('raw profile type');
}

type PngState = 'signature' | 'header' | 'keyword' | 'body' | 'trailer';

/** PNG: copies every chunk except `eXIf` and text chunks that carry XMP or EXIF profiles. */
export class PngMetadataFilter implements MetadataFilter {
  private state: PngState = 'signature';
  private need = 8;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private header: Buffer = Buffer.alloc(0);
  private type = '';
  private remaining = 0;
  private dropping = false;

  write(chunk: Buffer, out: Buffer[]): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.state === 'trailer') return;
      if (this.state === 'body') {
        const take = Math.min(this.remaining, n - i);
        if (!this.dropping) out.push(chunk.subarray(i, i + take));
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.expect(this.type === 'IEND' ? 'trailer' : 'header', 8);
        continue;
      }
      const take = Math.min(this.need - this.pendingBytes, n - i);
      this.pending.push(chunk.subarray(i, i + take));
      this.pendingBytes += take;
      i += take;
      if (this.pendingBytes === this.need) {
        const collected = Buffer.concat(this.pending, this.pendingBytes);
        this.pending = [];
        this.pendingBytes = 0;
        this.onCollected(collected, out);
      }
    }
  }

  private expect(state: PngState, bytes: number): void {
    this.state = state;
    this.need = bytes;
  }

  private onCollected(bytes: Buffer, out: Buffer[]): void {
    switch (this.state) {
      case 'signature':
        out.push(bytes);
        this.expect('header', 8);
        return;
      case 'header': {
        const length = bytes.readUInt32BE(0);
        if (length > 0x7fffffff) throw new MalformedImageError('PNG chunk length above 2^31-1');
        this.type = bytes.toString('latin1', 4, 8);
        if (PNG_TEXT_CHUNKS.has(this.type) && length > 0) {
          this.header = bytes;
          this.remaining = length + 4;
          this.expect('keyword', Math.min(length, PNG_KEYWORD_BYTES));
          return;
        }
        this.dropping = this.type === 'eXIf';
        if (!this.dropping) out.push(bytes);
        this.remaining = length + 4; // the data and its CRC
        this.state = 'body';
        return;
      }
      case 'keyword': {
        const nul = bytes.indexOf(0);
        this.dropping = isPngMetadataKeyword(bytes.toString('latin1', 0, nul === -1 ? bytes.length : nul));
        if (!this.dropping) out.push(this.header, bytes);
        this.remaining -= bytes.length;
        this.state = 'body';
        return;
      }
      default:
        return;
    }
  }
}

/** The filter that strips location metadata from a file of this type, if it needs one. */
export function metadataFilterFor(type: string): MetadataFilter | undefined {
  if (type === 'jpeg') return new JpegMetadataFilter();
  if (type === 'png') return new PngMetadataFilter();
  return undefined;
}
