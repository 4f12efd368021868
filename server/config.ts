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
});

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
};

export class ConfigError extends Error {}

const root = path.resolve(import.meta.dirname, '..');

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
  };
}

export const projectRoot = root;
