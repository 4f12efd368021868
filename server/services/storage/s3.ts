import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import type { S3Location } from '../../config.js';
import { measuring } from './measuring.js';
import { BlobNotFoundError, type BlobStore, type PutResult } from './types.js';

const require = createRequire(import.meta.url);
let sdk: { s3: typeof ClientS3; storage: typeof LibStorage } | undefined;

/**
 * The AWS SDK, loaded when the first S3 store is made (#15), not whenever the app starts: it holds
 * ~10 MB of heap, and a deployment on the local disk never needs it. Required (both packages are
 * CommonJS) because a store is made synchronously (`storeFor`).
 */
function aws(): { s3: typeof ClientS3; storage: typeof LibStorage } {
  sdk ??= { s3: require('@aws-sdk/client-s3'), storage: require('@aws-sdk/lib-storage') };
  return sdk;
}

/**
 * Bytes per part of a multipart upload, and how many parts are in flight: an upload holds at most
 * `(PART_QUEUE + 1) × PART_SIZE` bytes in memory, whatever the file's size (5 MiB is S3's minimum
 * part size, and 10 000 parts of it are 48 GiB, far above any upload limit here).
 */
export const PART_SIZE = 5 * 1024 * 1024;
export const PART_QUEUE = 2;

/** A random UUID (v4); nothing of a key comes from a request. */
const KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function nameOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : undefined;
}

function statusOf(err: unknown): number | undefined {
  const meta = typeof err === 'object' && err !== null ? (err as { $metadata?: { httpStatusCode?: number } }).$metadata : undefined;
  return meta?.httpStatusCode;
}

const isNotFound = (err: unknown) => ['NoSuchKey', 'NotFound'].includes(nameOf(err) ?? '') || statusOf(err) === 404;

/**
 * Files in a bucket of an S3-compatible object store. A file streams through a hashing transform
 * into a multipart upload (bounded parts, never the whole file in memory) under a random key; the
 * object appears only when the upload completes, and a failed stream aborts the upload so no part
 * is left behind.
 */
export class S3Store implements BlobStore {
  readonly client: ClientS3.S3Client;
  readonly bucket: string;
  readonly prefix: string;
  /** Receives the upload's progress (bytes the store has taken); tests watch memory with it. */
  onProgress: ((loaded: number) => void) | undefined;

  constructor(location: S3Location, client?: ClientS3.S3Client) {
    this.bucket = location.bucket;
    this.prefix = location.prefix;
    const { S3Client } = aws().s3;
    this.client =
      client ??
      new S3Client({
        endpoint: location.endpoint,
        region: location.region,
        forcePathStyle: location.forcePathStyle,
        credentials: location.credentials,
        // The SDK's default extra checksums (CRC32 trailers) are not understood by every
        // S3-compatible server; the SHA-256 this store computes is what the app checks.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  async put(source: Readable): Promise<PutResult> {
    const key = randomUUID();
    const { stream: measure, digest } = measuring();
    const { Upload } = aws().storage;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.prefix + key, Body: measure },
      partSize: PART_SIZE,
      queueSize: PART_QUEUE,
      leavePartsOnError: false,
    });
    const onProgress = this.onProgress;
    if (onProgress) upload.on('httpUploadProgress', (p) => onProgress(p.loaded ?? 0));
    // The source's error reaches the upload through `measure` (pipeline destroys it), and the
    // upload then aborts its multipart upload; both settle before put does.
    const [streamed, uploaded] = await Promise.allSettled([pipeline(source, measure), upload.done()]);
    const failure = streamed.status === 'rejected' ? streamed.reason : uploaded.status === 'rejected' ? uploaded.reason : undefined;
    if (failure !== undefined) {
      source.destroy();
      await upload.abort().catch(() => undefined);
      // Should the upload have completed all the same, its object goes too (best effort).
      if (uploaded.status === 'fulfilled') await this.delete(key).catch(() => undefined);
      throw failure;
    }
    return { key, ...digest() };
  }

  async get(key: string): Promise<Readable> {
    if (!KEY_PATTERN.test(key)) throw new BlobNotFoundError(key);
    const { GetObjectCommand } = aws().s3;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    if (!KEY_PATTERN.test(key)) return;
    // S3 answers 204 for a key that is not there.
    const { DeleteObjectCommand } = aws().s3;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  async exists(key: string): Promise<boolean> {
    if (!KEY_PATTERN.test(key)) return false;
    const { HeadObjectCommand } = aws().s3;
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * Aborts the multipart uploads under this store's prefix that started more than `maxAgeMs` ago
   * (a process that died mid-upload leaves one, and its parts cost storage): the object-store
   * counterpart of the disk store's temp-file sweep. Returns how many it aborted.
   */
  async abortAbandonedUploads(maxAgeMs: number, now = Date.now()): Promise<number> {
    const { AbortMultipartUploadCommand, ListMultipartUploadsCommand } = aws().s3;
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Initiated || now - u.Initiated.getTime() <= maxAgeMs) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
        aborted += 1;
      }
      if (!page.IsTruncated) return aborted;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
  }
}
