import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { normaliseIdNumber, normalisePhone } from './identifiers.js';

/**
 * Personal numbers at rest (SECURITY.md, "Personal information"): child workers' ID numbers and
 * phones are stored encrypted with AES-256-GCM and found through a keyed hash (a blind index),
 * both keyed from the one DATA_KEY. The two purposes never share key material: each gets its own
 * sub-key by HKDF-SHA256 (RFC 5869) with a distinct `info`, and each blind-index purpose its own.
 *
 * Nothing here logs, and no error carries a value or a key.
 */

/** The token's format version; a new algorithm or key scheme gets a new one. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** A fixed, public salt: the data key is already uniformly random (RFC 5869 §3.1). */
const HKDF_SALT = Buffer.from('careprocure/personal-data', 'utf8');
const ENCRYPTION_INFO = 'careprocure/personal-data/v1/encryption/aes-256-gcm';
const INDEX_INFO_PREFIX = 'careprocure/personal-data/v1/blind-index/hmac-sha256/';
/** A purpose names a column or kind of value: `idNumber`, `phone`, `worker.idNumber` … */
const PURPOSE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** A token that is not ours, was changed, or was sealed under another key. Says nothing of the value. */
export class PersonalDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersonalDataError';
  }
}

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new PersonalDataError('The data key must be 32 bytes');
}

function subKey(key: Buffer, info: string): Buffer {
  checkKey(key);
  return Buffer.from(hkdfSync('sha256', key, HKDF_SALT, Buffer.from(info, 'utf8'), KEY_BYTES));
}

function encryptionKey(key: Buffer): Buffer {
  return subKey(key, ENCRYPTION_INFO);
}

function indexKey(key: Buffer, purpose: string): Buffer {
  if (!PURPOSE.test(purpose)) throw new PersonalDataError('A blind-index purpose is a short name of letters, digits and . _ -');
  return subKey(key, INDEX_INFO_PREFIX + purpose);
}

function seal(plain: string, encKey: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encKey, iv, { authTagLength: TAG_BYTES });
  // The version is authenticated too: a token cannot be relabelled as another format.
  cipher.setAAD(Buffer.from(VERSION, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
}

/** Strict base64url: Buffer.from would skip characters it does not know. */
function decodePart(part: string): Buffer | null {
  if (!B64URL.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}

function open(token: string, encKey: Buffer): string {
  if (typeof token !== 'string') throw new PersonalDataError('Not an encrypted personal-data token');
  const parts = token.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new PersonalDataError('Not an encrypted personal-data token');
  const iv = decodePart(parts[1]);
  const tag = decodePart(parts[2]);
  const ciphertext = decodePart(parts[3]);
  if (!iv || iv.length !== IV_BYTES || !tag || tag.length !== TAG_BYTES || !ciphertext) {
    throw new PersonalDataError('Not an encrypted personal-data token');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', encKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(VERSION, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new PersonalDataError('Personal data could not be decrypted: it was altered or sealed under another key');
  }
}

function hmac(value: string, key: Buffer): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/**
 * Encrypts one value with AES-256-GCM under the encryption sub-key of `key` (the 32-byte data
 * key), with a fresh random 12-byte IV: the same value encrypts differently every time. The token
 * is `v1:<iv>:<tag>:<ciphertext>`, each part base64url without padding (no `:` inside), so it fits
 * a VARCHAR column and a CSV cell.
 */
export function encryptPersonal(plain: string, key: Buffer): string {
  return seal(plain, encryptionKey(key));
}

/**
 * Decrypts a token of `encryptPersonal`. Throws a `PersonalDataError` when the token is malformed,
 * was altered in any part (the GCM tag fails), or was sealed under another data key.
 */
export function decryptPersonal(token: string, key: Buffer): string {
  return open(token, encryptionKey(key));
}

/**
 * A blind index: HMAC-SHA256 of an already normalised value under a sub-key of `key` derived for
 * this `purpose` alone, as 64 hex characters. Deterministic, so a row is found by its ID number
 * with `WHERE id_number_index = ?` without decrypting every row; different purposes (and data
 * keys) give unrelated indexes, so one column's index says nothing about another's.
 */
export function blindIndex(normalisedValue: string, key: Buffer, purpose: string): string {
  return hmac(normalisedValue, indexKey(key, purpose));
}

/** The kinds of personal numbers the registries store, each with its own normalisation. */
export type PersonalKind = 'idNumber' | 'phone';

const NORMALISE: Record<PersonalKind, (value: string) => string> = {
  idNumber: normaliseIdNumber,
  phone: normalisePhone,
};

/**
 * The one object the rest of the app uses: built once from `config.dataKey`, with its sub-keys
 * derived at construction and kept in private fields (they do not show in `console.log` or JSON).
 */
export class PersonalDataCipher {
  readonly #encryptionKey: Buffer;
  readonly #indexKeys: Record<PersonalKind, Buffer>;

  constructor(dataKey: Buffer) {
    this.#encryptionKey = encryptionKey(dataKey);
    this.#indexKeys = { idNumber: indexKey(dataKey, 'idNumber'), phone: indexKey(dataKey, 'phone') };
  }

  /** See `encryptPersonal`. */
  encrypt(plain: string): string {
    return seal(plain, this.#encryptionKey);
  }

  /** See `decryptPersonal`. */
  decrypt(token: string): string {
    return open(token, this.#encryptionKey);
  }

  /**
   * The blind index of a personal number of `kind`, normalised first (`x` → `X`, spaces, hyphens
   * and +86 dropped from phones), so that a lookup finds the row whatever way the number was
   * typed. Equal to `blindIndex(normalised, dataKey, kind)`.
   */
  index(kind: PersonalKind, value: string): string {
    const key = this.#indexKeys[kind];
    if (!key) throw new PersonalDataError('Unknown kind of personal number');
    return hmac(NORMALISE[kind](value), key);
  }

  toJSON(): string {
    return 'PersonalDataCipher';
  }
}
