import type { Config } from '../../config.js';
import { LocalDiskStore } from './local.js';
import type { BlobStore } from './types.js';

/**
 * The store configured for this deployment: the local disk under `config.uploadDir` for now. An
 * S3-compatible store is a second `BlobStore` chosen here; callers never change.
 */
export function storeFor(config: Pick<Config, 'uploadDir'>): BlobStore {
  return new LocalDiskStore(config.uploadDir);
}

export { BlobNotFoundError, type BlobStore, type PutResult } from './types.js';
export { LocalDiskStore } from './local.js';
