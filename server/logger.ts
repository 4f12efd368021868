import pino from 'pino';

/** Where secrets and personal numbers may appear in a logged object; pino censors them anywhere. */
const REDACTED = ['password', 'passwordHash', 'currentPassword', 'newPassword', 'confirmPassword', 'sid', 'cookie', 'csrfToken', '_csrf', 'idNumber', 'phone'];

/**
 * Structured JSON logs. Secrets and personal numbers never reach them: the keys above are
 * redacted at the top level and one level down (and in request headers), and request logs carry
 * the path without its query string.
 */
export function createLogger(destination?: pino.DestinationStream, level?: string): pino.Logger {
  return pino(
    {
      level: level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
      base: { app: 'careprocure' },
      redact: {
        paths: [...REDACTED, ...REDACTED.map((k) => `*.${k}`), 'headers.cookie', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(1),
  );
}

export const logger = createLogger();
