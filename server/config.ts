import path from 'node:path';
import { z } from 'zod';

/** Values that ship in the code for development; production refuses every one of them. */
export const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-in-production';
export const DEV_DATA_KEY = '00'.repeat(32);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  SESSION_SECRET: z.string().optional(),
  DATA_KEY: z.string().optional(),
  /** log2 of scrypt's N; SECURITY.md asks for 17, tests may lower it to stay fast. */
  PASSWORD_COST: z.coerce.number().int().min(10).max(20).default(17),
  TRUST_PROXY: z.string().optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SQL_LOG: z.enum(['0', '1']).default('0'),
  UPLOAD_DIR: z.string().optional(),
  /** `s3://ACCESS:SECRET@host:port/bucket[/prefix]?region=…&tls=0|1&forcePathStyle=0|1`; unset: the disk. */
  STORAGE_URL: z.string().optional(),
  /** The registered OCDS ocid prefix (`ocds-` and six characters), see `ocdsPrefixFrom`. */
  OCDS_PREFIX: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  /** The headless Chromium that prints PDFs of the printable forms (#20); Debian's by default. */
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
});

/**
 * The ocid prefix of the data this installation publishes (OCDS 1.1.5): the registered form is
 * `ocds-` and six characters, given by the Open Contracting Partnership to the publisher. The
 * default is of that form for development and tests; a bureau that publishes sets its own. Read
 * by the app at start and by the migration that gave existing projects their ocids; an ocid once
 * given never changes (published identifiers stay), so a later change of prefix affects new
 * projects only.
 */
export const DEFAULT_OCDS_PREFIX = 'ocds-cpsz19';
export const OCDS_PREFIX_FORM = /^ocds-[a-z0-9]{6}$/;

/** The prefix `env` names, or the default; a value not of the registered form is refused. */
export function ocdsPrefixFrom(env: NodeJS.ProcessEnv): string {
  const value = env.OCDS_PREFIX?.trim() || DEFAULT_OCDS_PREFIX;
  if (!OCDS_PREFIX_FORM.test(value)) throw new ConfigError('OCDS_PREFIX must be ocds- and six lower-case letters or digits (e.g. ocds-213czf)');
  return value;
}

/** Where an S3-compatible store is and how to sign in to it (`STORAGE_URL=s3://…`). */
export type S3Location = {
  /** `http(s)://host[:port]`. */
  endpoint: string;
  region: string;
  bucket: string;
  /** Key prefix inside the bucket (`s3://…/bucket/some/prefix`): empty or ending in `/`. */
  prefix: string;
  /** The bucket in the path rather than the host name: what MinIO, Ceph and most bureau clouds need. */
  forcePathStyle: boolean;
  /**
   * From the URL's user and password; absent: the SDK's own chain (`AWS_ACCESS_KEY_ID` and
   * `AWS_SECRET_ACCESS_KEY`, an instance role). Not enumerable, so a logged config never shows it.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
};

/** Where uploaded files live: the local disk under `uploadDir`, or an S3-compatible bucket. */
export type StorageConfig = { kind: 'disk' } | ({ kind: 's3' } & S3Location);

/**
 * Reads `STORAGE_URL`. Problems are told without the URL itself, which may hold a secret.
 */
export function parseStorageUrl(value: string | undefined, problems: string[]): StorageConfig {
  if (value === undefined || value === '') return { kind: 'disk' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push('STORAGE_URL is not a URL (expected s3://ACCESS:SECRET@host:port/bucket?region=…)');
    return { kind: 'disk' };
  }
  if (url.protocol !== 's3:') {
    problems.push('STORAGE_URL must start with s3:// (leave it unset to store files on the disk under UPLOAD_DIR)');
    return { kind: 'disk' };
  }
  const [bucket = '', ...rest] = url.pathname.replace(/^\/+/, '').split('/');
  const flag = (name: string, fallback: boolean): boolean => {
    const v = url.searchParams.get(name);
    if (v === null) return fallback;
    if (v !== '0' && v !== '1') problems.push(`STORAGE_URL: ${name} must be 0 or 1`);
    return v === '1';
  };
  const known = new Set(['region', 'tls', 'forcePathStyle']);
  for (const name of url.searchParams.keys())
    if (!known.has(name)) problems.push(`STORAGE_URL: unknown parameter ${name} (known: region, tls, forcePathStyle)`);
  if (!url.hostname) problems.push('STORAGE_URL has no host');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    problems.push('STORAGE_URL: the bucket (first path segment) must be 3-63 lower-case letters, digits, dots or hyphens');
  if ((url.username === '') !== (url.password === '')) problems.push('STORAGE_URL: give both the access key and the secret, or neither');
  const prefix = rest.filter(Boolean).map(decodeURIComponent).join('/');
  const location: { kind: 's3' } & S3Location = {
    kind: 's3',
    endpoint: `${flag('tls', true) ? 'https' : 'http'}://${url.host}`,
    region: url.searchParams.get('region') || 'us-east-1',
    bucket,
    prefix: prefix ? `${prefix}/` : '',
    forcePathStyle: flag('forcePathStyle', true),
  };
  if (url.username) {
    const credentials = { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) };
    Object.defineProperty(location, 'credentials', { value: credentials, enumerable: false });
  }
  return location;
}

/** A host name that stays on this machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

export type Config = {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  sessionSecret: string;
  /** 32 bytes for AES-256-GCM of personal numbers. */
  dataKey: Buffer;
  passwordCost: number;
  /** Express `trust proxy`: addresses/names of the proxies, or a hop count. */
  trustProxy: string | number | undefined;
  /** Where users reach the app; an https:// URL makes the session cookie Secure and __Host-. */
  publicUrl: string | undefined;
  logLevel: string;
  sqlLog: boolean;
  uploadDir: string;
  /** Where uploaded files live (`STORAGE_URL`); the disk under `uploadDir` when unset. */
  storage: StorageConfig;
  /** The OCDS ocid prefix (`OCDS_PREFIX`, registered form `ocds-xxxxxx`). */
  ocdsPrefix: string;
  /** The SMTP server notifications are e-mailed through (`SMTP_URL`, e.g. `smtp://user:pass@mail.example:587`); none: in the app only. */
  smtpUrl: string | undefined;
  /** The sender of those e-mails (`MAIL_FROM`). */
  mailFrom: string;
  /** The Chromium that prints PDFs (`CHROMIUM_PATH`); when it is missing, PDFs are refused with a clear message. */
  chromiumPath: string;
};

export class ConfigError extends Error {}

// The project's folder: this file's parent's, or, compiled into dist/server (npm run build), dist's parent.
const here = path.resolve(import.meta.dirname, '..');
const root = path.basename(here) === 'dist' ? path.dirname(here) : here;

/**
 * Parses the environment once. Production refuses a missing or default session secret or data
 * key, a weakened password hash, and SQL logging (SECURITY.md: "Production refuses to start…").
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const sessionSecret = e.SESSION_SECRET ?? (isProduction ? '' : DEV_SESSION_SECRET);
  if (isProduction) {
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET is missing');
    else if (e.SESSION_SECRET === DEV_SESSION_SECRET || e.SESSION_SECRET.length < 32)
      problems.push('SESSION_SECRET is the development default or shorter than 32 characters');
    if (!e.DATA_KEY) problems.push('DATA_KEY is missing');
    else if (e.DATA_KEY === DEV_DATA_KEY) problems.push('DATA_KEY is the development default');
    if (e.PASSWORD_COST < 17) problems.push('PASSWORD_COST below 17 is not allowed in production');
    if (e.SQL_LOG === '1') problems.push('SQL_LOG must be off in production');
  }
  const dataKeyHex = e.DATA_KEY ?? DEV_DATA_KEY;
  if (!/^[0-9a-fA-F]{64}$/.test(dataKeyHex)) problems.push('DATA_KEY must be 64 hexadecimal characters (32 bytes)');
  else if (isProduction && /^(.)\1*$/.test(dataKeyHex)) problems.push('DATA_KEY is a repeated character, not a key');
  const storage = parseStorageUrl(e.STORAGE_URL, problems);
  let ocdsPrefix = DEFAULT_OCDS_PREFIX;
  try {
    ocdsPrefix = ocdsPrefixFrom(env);
  } catch (err) {
    problems.push((err as Error).message);
  }
  // Files and the keys to the bucket cross the network: in clear only to the same machine.
  if (isProduction && storage.kind === 's3' && storage.endpoint.startsWith('http://') && !isLoopback(new URL(storage.endpoint).hostname)) {
    problems.push('STORAGE_URL: tls=0 is allowed in production only for a store on this machine (127.0.0.1, ::1, localhost)');
  }
  if (problems.length) throw new ConfigError(`Refusing to start: ${problems.join('; ')}`);

  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(root, 'data', 'careprocure.sqlite')}`,
    sessionSecret,
    dataKey: Buffer.from(dataKeyHex, 'hex'),
    passwordCost: e.PASSWORD_COST,
    trustProxy: e.TRUST_PROXY && /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    sqlLog: e.SQL_LOG === '1',
    uploadDir: e.UPLOAD_DIR ?? path.join(root, 'uploads'),
    storage,
    ocdsPrefix,
    smtpUrl: e.SMTP_URL?.trim() || undefined,
    mailFrom: e.MAIL_FROM?.trim() || 'CareProcure <noreply@localhost>',
    chromiumPath: e.CHROMIUM_PATH,
  };
}

export const projectRoot = root;
