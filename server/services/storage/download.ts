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

/** `attachment; filename="…"; filename*=UTF-8''…` (or `inline; …`): Chinese names survive the round trip. */
export function contentDisposition(name: string, type: 'attachment' | 'inline' = 'attachment'): string {
  return `${type}; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/**
 * What a browser may show in a page (a preview) rather than only save: a photo (JPEG, PNG) or a
 * PDF, whose type the upload sniffed from the bytes. Anything else (Word, Excel, CSV …) is only
 * ever downloaded.
 */
const PREVIEWS: Record<string, 'image' | 'pdf'> = { 'image/jpeg': 'image', 'image/png': 'image', 'application/pdf': 'pdf' };

/** How a stored file of `mimeType` is previewed in a page: 'image' inline, 'pdf' in a frame, or null (download only). */
export function previewKindOf(mimeType: string | null | undefined): 'image' | 'pdf' | null {
  return (mimeType && PREVIEWS[mimeType]) || null;
}

/**
 * Sends a stored file: as a download (an attachment under its original name), or — asked for
 * `inline` and only for a photo or a PDF (previewKindOf) — for the page to show in an <img> or a
 * frame of the app's own pages. Always with its sniffed MIME type, `nosniff` and a sandboxing CSP,
 * so nothing uploaded ever runs in the app's origin, and never cached. The caller has checked the
 * policy and loaded `file` through the user's scope; a file whose bytes are missing answers 404.
 */
export async function sendStoredFile(res: Response, file: StoredFile, store: BlobStore, options: { inline?: boolean } = {}): Promise<void> {
  let body: Awaited<ReturnType<BlobStore['get']>>;
  try {
    body = await store.get(file.storageKey);
  } catch (err) {
    if (err instanceof BlobNotFoundError) throw new NotFoundError();
    throw err;
  }
  const inline = options.inline === true && previewKindOf(file.mimeType) !== null;
  res.status(200);
  res.set({
    'Content-Type': file.mimeType,
    'Content-Length': String(file.size),
    'Content-Disposition': contentDisposition(file.originalName, inline ? 'inline' : 'attachment'),
    'X-Content-Type-Options': 'nosniff',
    // A preview may be framed by the app's own pages only; a download by none.
    'Content-Security-Policy': `sandbox; default-src 'none'; frame-ancestors ${inline ? "'self'" : "'none'"}`,
    'Cache-Control': 'private, no-store',
  });
  await pipeline(body, res);
}
