import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { StoredFile } from '../../../models/index.js';
import { NotFoundError } from '../../errors.js';
import { extensionOf } from './kinds.js';
import { BlobNotFoundError, type BlobStore } from './types.js';

/** RFC 5987 `attr-char`s pass; every other byte of the UTF-8 name is percent-encoded. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A plain ASCII name for clients that ignore `filename*`: `服务报告.pdf` → `download.pdf`. */
function asciiFallback(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  if (/[A-Za-z0-9]/.test(ascii.replace(/\.[^.]*$/, ''))) return ascii;
  return `download${extensionOf(name)}`;
}

/** `attachment; filename="…"; filename*=UTF-8''…`: Chinese names survive the round trip. */
export function contentDisposition(name: string): string {
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/**
 * Sends a stored file as a download: always an attachment under its original name, with its
 * sniffed MIME type, `nosniff` and a sandboxing CSP, so nothing uploaded ever runs in the app's
 * origin, and never cached. The caller has checked the policy and loaded `file` through the
 * user's scope; a file whose bytes are missing answers 404.
 */
export async function sendStoredFile(res: Response, file: StoredFile, store: BlobStore): Promise<void> {
  let body: Awaited<ReturnType<BlobStore['get']>>;
  try {
    body = await store.get(file.storageKey);
  } catch (err) {
    if (err instanceof BlobNotFoundError) throw new NotFoundError();
    throw err;
  }
  res.status(200);
  res.set({
    'Content-Type': file.mimeType,
    'Content-Length': String(file.size),
    'Content-Disposition': contentDisposition(file.originalName),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': 'private, no-store',
  });
  await pipeline(body, res);
}
