import pino from 'pino';

/**
 * Structured JSON logs. Secrets and personal numbers never reach them: the paths below are
 * redacted wherever they appear, and request logs carry the path without its query string.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { app: 'careprocure' },
  redact: {
    paths: [
      'password',
      '*.password',
      'passwordHash',
      '*.passwordHash',
      'currentPassword',
      '*.currentPassword',
      'newPassword',
      '*.newPassword',
      'sid',
      '*.sid',
      'cookie',
      '*.cookie',
      'headers.cookie',
      'req.headers.cookie',
      'csrfToken',
      '*.csrfToken',
      '_csrf',
      '*._csrf',
      'idNumber',
      '*.idNumber',
      'phone',
      '*.phone',
    ],
    censor: '[redacted]',
  },
});
