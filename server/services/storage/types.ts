import type { Readable } from 'node:stream';

/** What a store recorded about bytes it has kept: where they are, how many, and their SHA-256. */
export type PutResult = {
  /** The store's own name for the bytes; opaque to callers, never derived from user input. */
  key: string;
  size: number;
  /** Lower-case hex SHA-256 of exactly the bytes stored. */
  sha256: string;
};

/**
 * Where uploaded files live. Callers only ever see keys, so the local disk store and an
 * S3-compatible one are interchangeable (DESIGN.md "Scale").
 *
 * `put` is all-or-nothing: the bytes become visible under their key only once the whole stream
 * was written (a temp file renamed, or a multipart upload completed); when the stream fails,
 * nothing of it remains and the promise rejects with the stream's error.
 */
export interface BlobStore {
  put(source: Readable): Promise<PutResult>;
  /** The stored bytes; rejects with a `NotFound` error before any byte when the key is unknown. */
  get(key: string): Promise<Readable>;
  /** Removes the bytes; a key that is already gone is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

/** A key the store does not hold (or could never have produced). */
export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`No stored file under key ${JSON.stringify(key.slice(0, 80))}`);
    this.name = 'BlobNotFoundError';
  }
}
