import type { Config } from '../../config.js';
import { LocalDiskStore } from './local.js';
import { S3Store } from './s3.js';
import type { BlobStore } from './types.js';

/**
 * The store configured for this deployment: an S3-compatible bucket when `STORAGE_URL` names one,
 * else the local disk under `config.uploadDir`. Callers never change.
 */
export function storeFor(config: Pick<Config, 'uploadDir'> & Partial<Pick<Config, 'storage'>>): BlobStore {
  if (config.storage?.kind === 's3') return new S3Store(config.storage);
  return new LocalDiskStore(config.uploadDir);
}

export { BlobNotFoundError, type BlobStore, type PutResult } from './types.js';
export { LocalDiskStore } from './local.js';
export { S3Store } from './s3.js';
