import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, type BlobStore, type PutResult } from './types.js';
import { measuring } from './measuring.js';

/** `ab/cd/abcd…-uuid`: a random UUID fanned out over two directory levels of 256 each. */
const KEY_PATTERN = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$/;
const TEMP_PREFIX = '.incoming-';

/** This machine's name as it may stand in a file name. */
const HOST = os.hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';

/**
 * A temp file is named for the host and process writing it (`.incoming-<host>.<pid>.<uuid>`), so a
 * sweep can tell a dead process's leftover (remove at once) from a live writer's file (keep).
 */
const TEMP_NAME = /^\.incoming-([A-Za-z0-9_-]+)\.(\d+)\./;

/** Whether a process with this id runs on this machine (signal 0 tests without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/**
 * Files on the local disk under `config.uploadDir`, which is never served statically. Names are
 * random; nothing of a path comes from a request (the original name is only metadata in the
 * database). A file is written under a temp name beside the tree, hashed while it streams,
 * flushed, and renamed into place, so a half-written file never carries a key.
 */
export class LocalDiskStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(source: Readable): Promise<PutResult> {
    const id = randomUUID();
    const key = `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
    const temp = path.join(this.root, `${TEMP_PREFIX}${HOST}.${process.pid}.${id}`);
    const { stream: measure, digest } = measuring();
    await fsp.mkdir(this.root, { recursive: true });
    const out = fs.createWriteStream(temp, { flags: 'wx', mode: 0o600, flush: true });
    try {
      // Wait for the file to exist before streaming, so a failure below always finds it to remove.
      await once(out, 'open');
      await pipeline(source, measure, out);
      await this.commit(temp, key);
    } catch (err) {
      out.destroy();
      source.destroy();
      await fsp.rm(temp, { force: true });
      throw err;
    }
    return { key, ...digest() };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      const handle = await fsp.open(file, 'r');
      return handle.createReadStream();
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await fsp.rm(file, { force: true });
    // Leave no empty fan-out directories behind; one still in use by another file stays.
    for (const dir of [path.dirname(file), path.dirname(path.dirname(file))]) {
      try {
        await fsp.rmdir(dir);
      } catch (err) {
        if (['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(errnoOf(err) ?? '')) return;
        throw err;
      }
    }
  }

  async exists(key: string): Promise<boolean> {
    if (!KEY_PATTERN.test(key)) return false;
    try {
      return (await fsp.stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      throw err;
    }
  }

  /**
   * Removes the temp files a crash left behind mid-upload (a failed upload removes its own): at
   * once those of a process of this machine that is gone, others when no one has written to them
   * for `maxAgeMs`. Housekeeping runs it at start (so a restart clears what the dead process left)
   * and then periodically; returns how many it removed.
   */
  async removeAbandonedTemps(maxAgeMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await fsp.readdir(this.root);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return 0;
      throw err;
    }
    for (const name of names.filter((n) => n.startsWith(TEMP_PREFIX))) {
      const file = path.join(this.root, name);
      const stat = await fsp.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      // A writer of this machine that is gone (killed mid-upload, crashed) left it: remove it now.
      // Otherwise (a live writer, another server sharing the folder, an old name) only a file no
      // one has written to for `maxAgeMs` goes: a live upload keeps its mtime fresh.
      const writer = TEMP_NAME.exec(name);
      const deadWriter = writer !== null && writer[1] === HOST && Number(writer[2]) !== process.pid && !processAlive(Number(writer[2]));
      if (deadWriter || now - stat.mtimeMs > maxAgeMs) {
        await fsp.rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  /** The file behind a key; a key of any other shape is refused before a path is built. */
  private pathOf(key: string): string {
    const m = KEY_PATTERN.exec(key);
    if (!m) throw new BlobNotFoundError(key);
    return path.join(this.root, m[1], m[2], m[3]);
  }

  private async commit(temp: string, key: string): Promise<void> {
    const final = this.pathOf(key);
    // A concurrent delete may remove the fan-out directory between mkdir and rename: try again.
    for (let attempt = 1; ; attempt++) {
      await fsp.mkdir(path.dirname(final), { recursive: true, mode: 0o700 });
      try {
        await fsp.rename(temp, final);
        return;
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT' || attempt >= 5) throw err;
      }
    }
  }
}
