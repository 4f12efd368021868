import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Readable, Transform, type Writable } from 'node:stream';

/** The record a file of the dossier belongs to (`{ type: 'claim', id: 12 }`). */
export type DossierRecord = { type: string; id: number };

/**
 * One file of a dossier: its path in the ZIP, the record it belongs to, and what makes its bytes
 * when its turn comes (so a stored file is opened only then, one at a time). A stored file's
 * recorded SHA-256 goes beside it, and the manifest says whether the bytes sent still match it.
 */
export type DossierEntry = {
  name: string;
  record: DossierRecord | null;
  open: () => Promise<Readable | Buffer | string>;
  /** Already compressed (PDF, JPEG, PNG, DOCX, XLSX) or large: stored as is, no deflate. */
  store?: boolean;
  storedSha256?: string | null;
};

/** What the manifest says of one file: its path, size, SHA-256 of the bytes in the ZIP, its record. */
export type ManifestRow = {
  file: string;
  size: number;
  sha256: string;
  record: DossierRecord | null;
  /** A stored file's SHA-256 as recorded at upload, and whether the bytes sent matched it. */
  storedSha256?: string;
  matchesStored?: boolean;
};

/** A pass-through that counts and hashes the bytes of one entry as they stream into the ZIP. */
function measuring(): Transform & { done: () => { size: number; sha256: string } } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return Object.assign(t, { done: () => ({ size, sha256: hash.digest('hex') }) });
}

/**
 * Streams a ZIP of `entries` into `out` as it is built: each entry is opened only when the one
 * before is written, its bytes flow through (hashed on the way) under the response's
 * back-pressure, so memory holds a few buffers whatever the dossier's size; nothing is assembled
 * in memory or on disk. Then `closing(rows)` gives the last entries (the manifest, which lists
 * every file before it) and the archive is finished. Resolves with the manifest's rows; a source
 * that fails aborts the archive (the client sees a broken download, never a partial ZIP posing
 * as whole) and rejects.
 */
export async function writeZip(
  out: Writable,
  entries: AsyncIterable<DossierEntry>,
  closing: (rows: ManifestRow[]) => Promise<DossierEntry[]>,
): Promise<ManifestRow[]> {
  // Loaded at the first ZIP (#15), not with the app: only dossiers and retention exports write one.
  const { default: archiver } = await import('archiver');
  const archive = archiver('zip', { zlib: { level: 6 } });
  let failure: Error | null = null;
  const failed = new Promise<never>((_, reject) => {
    archive.on('error', (err: Error) => {
      failure = err;
      reject(err);
    });
  });
  failed.catch(() => undefined);
  archive.on('warning', (err: Error) => {
    failure = err;
  });
  archive.pipe(out);
  const rows: ManifestRow[] = [];
  const add = async (entry: DossierEntry): Promise<void> => {
    const body = await entry.open();
    const meter = measuring();
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    source.on('error', (err) => meter.destroy(err));
    source.pipe(meter);
    const written = once(archive, 'entry');
    const broken = once(meter, 'error').then(([err]) => Promise.reject(err as Error));
    broken.catch(() => undefined);
    archive.append(meter, { name: entry.name, store: entry.store ?? false });
    await Promise.race([written, failed, broken]);
    if (failure) throw failure;
    const { size, sha256 } = meter.done();
    const row: ManifestRow = { file: entry.name, size, sha256, record: entry.record };
    if (entry.storedSha256) Object.assign(row, { storedSha256: entry.storedSha256, matchesStored: entry.storedSha256 === sha256 });
    rows.push(row);
  };
  try {
    for await (const entry of entries) await add(entry);
    for (const entry of await closing(rows)) {
      await add(entry);
      rows.pop();
    }
    await Promise.race([archive.finalize(), failed]);
  } catch (err) {
    archive.abort();
    out.destroy(err as Error);
    throw err;
  }
  return rows;
}
