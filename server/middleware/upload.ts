import { pipeline } from 'node:stream';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer, { MulterError } from 'multer';
import { StoredFile } from '../../models/index.js';
import { BadRequestError, ValidationError } from '../errors.js';
import { logger } from '../logger.js';
import { extensionOf, type UploadKind, type UploadKindName, typesForName, uploadKind } from '../services/storage/kinds.js';
import { UploadInspector, UploadRefusedError, type UploadRefusalReason } from '../services/storage/sniff.js';
import { type UploadDescriptor, wasSaved } from '../services/storage/stored-files.js';
import type { BlobStore } from '../services/storage/types.js';
import type { OnInvalid } from './validate.js';

export type UploadOptions = {
  /** A request without any file is refused with `upload.required` (default true). */
  required?: boolean;
  /** Non-file fields the form may carry, and the longest value of one (bytes). */
  fields?: number;
  fieldSize?: number;
  /**
   * Re-renders the form when the upload is refused (status 422, the error beside the file
   * field). The upload runs before `validateBody`, so the form's re-render is given here too.
   */
  onInvalid?: OnInvalid;
};

type StoredInfo = { key: string; sha256: string; size: number; mimetype: string; originalname: string };
/**
 * What one request has stored so far: the keys kept, whether it failed, and the writes still
 * under way (a refused request answers only once each of them has removed its temp file).
 */
type RequestUploads = { keys: Set<string>; failed: boolean; writes: Set<Promise<unknown>> };

/** Which store holds a descriptor's bytes, kept off the descriptor so it serialises plainly. */
const storeOf = new WeakMap<UploadDescriptor, BlobStore>();
const inFlight = new WeakMap<Request, RequestUploads>();

const MAX_NAME_LENGTH = 255;

/**
 * The user's file name as metadata: Unicode NFC, without control characters or the bidi
 * overrides that make `invoice‮fdp.exe` read as `invoiceexe.pdf`, at most 255 characters
 * with its ending kept.
 */
export function cleanFileName(name: string): string {
  const base = name.normalize('NFC').replace(/^.*[\\/]/, '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is its purpose.
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const chars = [...clean];
  if (chars.length <= MAX_NAME_LENGTH) return clean;
  const ext = [...extensionOf(clean)];
  return chars.slice(0, MAX_NAME_LENGTH - ext.length).join('') + ext.join('');
}

/** Streams each file through the inspector into the store; never to memory or a static folder. */
class InspectingStorage implements multer.StorageEngine {
  constructor(
    private readonly kind: UploadKind,
    private readonly store: BlobStore,
  ) {}

  _handleFile(req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const state = inFlight.get(req);
    const name = cleanFileName(file.originalname);
    const inspector = new UploadInspector(this.kind, name);
    const source = pipeline(file.stream, inspector, () => undefined);
    const write = this.store.put(source);
    state?.writes.add(write.catch(() => undefined));
    write.then(
      async (result) => {
        if (!state || state.failed) {
          // The request already failed (an abort raced this file's last bytes): keep nothing.
          await this.store.delete(result.key).catch((err) => logger.error({ err: String(err) }, 'upload cleanup failed'));
          return callback(new UploadRefusedError('aborted'));
        }
        state.keys.add(result.key);
        const info: StoredInfo = { ...result, mimetype: inspector.fileType!.mime, originalname: name };
        callback(null, info as Partial<Express.Multer.File>);
      },
      (err: unknown) => callback(err),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    const key = (file as Express.Multer.File & Partial<StoredInfo>).key;
    if (!key) return callback(null);
    this.store.delete(key).then(
      () => callback(null),
      (err: Error) => callback(err),
    );
  }
}

const ABORT_MESSAGES = ['Request aborted', 'Request closed', 'Unexpected end of form', 'Unexpected end of file'];

/** What the user is told: a field error for what they can change, 400 for a malformed form. */
function refusalFor(err: unknown, req: Request, fieldNames: readonly string[]): unknown {
  const fieldName = fieldNames[0];
  const refuse = (reason: UploadRefusalReason) => new ValidationError({ [fieldName]: `upload.${reason}` });
  if (err instanceof UploadRefusedError) return refuse(err.reason);
  if (err instanceof MulterError) {
    switch (err.code) {
      case 'LIMIT_FILE_SIZE':
        return refuse('tooLarge');
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_PART_COUNT':
        return refuse('tooMany');
      case 'LIMIT_UNEXPECTED_FILE':
        return err.field && fieldNames.includes(err.field) ? refuse('tooMany') : new BadRequestError();
      default:
        return (err.code as string) === 'STREAM_DESTROYED' ? refuse('aborted') : new BadRequestError();
    }
  }
  // A part header the parser cannot read (a NUL or another control character in a file name) is
  // the form's fault, not an interruption, though busboy destroys the request for it too.
  if (err instanceof Error && err.message === 'Malformed part header') return refuse('malformed');
  if (req.destroyed || (err instanceof Error && ABORT_MESSAGES.includes(err.message))) return refuse('aborted');
  // busboy's complaints about the multipart syntax itself.
  if (err instanceof Error && /^(Malformed|Multipart:|Unsupported content type)/.test(err.message)) return new BadRequestError();
  return err;
}

/**
 * Accepts the files of one upload kind in one form field: `upload('receipt', 'file', store)`, or
 * in several (`['files', 'files_photo']`: each descriptor says its field; refusals are reported on
 * the first).
 * Mount it on the route that needs it (never globally), after the route's rule; the CSRF check
 * has run already, from the `?_csrf=` query parameter, before any byte of the body is read.
 *
 * Every multer limit is set from the kind. Each file streams through `UploadInspector` (type
 * sniffed from its bytes and matched to kind and name, size counted, photos stripped of EXIF)
 * into the store under a random key. Any refusal — wrong type, too large, too many, empty, or
 * the client gone mid-upload — deletes everything this request stored and fails with a
 * `ValidationError` on the field (`upload.*`). On success `res.locals.uploads` (see `uploadsOf`)
 * holds the descriptors; whatever the handler has not saved with `saveStoredFiles` by the time
 * the response is sent is deleted then, so a failed form or command orphans nothing.
 */
export function upload(kindName: UploadKindName, fieldName: string | readonly string[], store: BlobStore, options: UploadOptions = {}): RequestHandler {
  const kind = uploadKind(kindName);
  const fieldNames = typeof fieldName === 'string' ? [fieldName] : fieldName;
  const fields = options.fields ?? 50;
  const parser = multer({
    storage: new InspectingStorage(kind, store),
    defParamCharset: 'utf8',
    preservePath: false,
    limits: {
      fileSize: kind.maxBytes,
      files: kind.maxFiles,
      fields,
      parts: fields + kind.maxFiles,
      fieldSize: options.fieldSize ?? 64 * 1024,
      fieldNameSize: 100,
      headerPairs: 20,
      // Flat field names only, as the url-encoded parser (extended: false) reads them.
      fieldNestingDepth: 0,
    },
    // Refuse a name the kind cannot carry before a byte of it is stored.
    fileFilter: (_req, file, accept) => {
      if (typesForName(kind, cleanFileName(file.originalname)).length === 0) accept(new UploadRefusedError('wrongType'));
      else accept(null, true);
    },
  });
  const parse =
    fieldNames.length === 1 ? parser.array(fieldNames[0], kind.maxFiles) : parser.fields(fieldNames.map((name) => ({ name, maxCount: kind.maxFiles })));

  return (req: Request, res: Response, next: NextFunction) => {
    if (options.onInvalid) res.locals.onInvalid = options.onInvalid;
    const state: RequestUploads = { keys: new Set(), failed: false, writes: new Set() };
    inFlight.set(req, state);
    parse(req, res, (err?: unknown) => {
      if (err) {
        state.failed = true;
        // multer may report the failure while a file's write is still removing its temp file:
        // wait for every write, then remove what was kept, then answer, so nothing stays behind.
        void Promise.allSettled([...state.writes])
          .then(() => Promise.all([...state.keys].map((key) => deleteQuietly(store, key))))
          .then(() => next(refusalFor(err, req, fieldNames)));
        return;
      }
      const files = (Array.isArray(req.files) ? req.files : Object.values(req.files ?? {}).flat()) as (Express.Multer.File & StoredInfo)[];
      const descriptors: UploadDescriptor[] = files.map((f) => ({
        key: f.key,
        kind: kindName,
        fieldName: f.fieldname,
        originalName: f.originalname,
        mimeType: f.mimetype,
        size: f.size,
        sha256: f.sha256,
      }));
      for (const d of descriptors) storeOf.set(d, store);
      res.locals.uploads = descriptors;
      if (descriptors.length === 0 && (options.required ?? true)) {
        return next(new ValidationError({ [fieldNames[0]]: 'upload.required' }));
      }
      // Only once the response is complete is the handler done with the files; a client that
      // leaves mid-command may still see its command commit, so then nothing is deleted here.
      res.once('finish', () => void discardUnsaved(descriptors));
      next();
    });
  };
}

/** The files the upload middleware stored for this request (empty when there were none). */
export function uploadsOf(res: Response): UploadDescriptor[] {
  return (res.locals.uploads as UploadDescriptor[] | undefined) ?? [];
}

async function deleteQuietly(store: BlobStore, key: string): Promise<void> {
  await store.delete(key).catch((err) => logger.error({ err: String(err) }, 'upload cleanup failed'));
}

/**
 * Deletes the stored bytes of uploads the caller will not keep, e.g. when its command failed
 * after the upload. Descriptors already saved as rows must not be passed here.
 */
export async function discardUploads(descriptors: readonly UploadDescriptor[]): Promise<void> {
  await Promise.all(
    descriptors.map(async (d) => {
      const store = storeOf.get(d);
      if (store) await deleteQuietly(store, d.key);
    }),
  );
}

/** At the end of the response: deletes the bytes of uploads that no committed row refers to. */
async function discardUnsaved(descriptors: readonly UploadDescriptor[]): Promise<void> {
  const unsaved = descriptors.filter((d) => !wasSaved(d));
  if (unsaved.length === 0) return;
  try {
    const rows = await StoredFile.findAll({ attributes: ['storageKey'], where: { storageKey: unsaved.map((d) => d.key) } });
    const kept = new Set(rows.map((r) => r.storageKey));
    await discardUploads(unsaved.filter((d) => !kept.has(d.key)));
  } catch (err) {
    logger.error({ err: String(err) }, 'discarding unsaved uploads failed');
  }
}
