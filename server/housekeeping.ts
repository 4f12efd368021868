import { Op } from 'sequelize';
import { LoginAttempt } from '../models/index.js';
import { purgeExpiredSessions } from './auth/session-store.js';
import { now } from './clock.js';
import type { Config } from './config.js';
import { withTransaction } from './db.js';
import { logger } from './logger.js';
import { LocalDiskStore, storeFor } from './services/storage/index.js';

/** How often the running app tidies up after itself. */
export const HOUSEKEEPING_INTERVAL_MS = 15 * 60 * 1000;
/** Sign-in attempts only count within the 15-minute lock window; a day is ample. */
export const LOGIN_ATTEMPT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** An upload still being written after an hour was abandoned (a crash mid-request). */
export const ABANDONED_UPLOAD_AGE_MS = 60 * 60 * 1000;

export type HousekeepingResult = { sessions: number; loginAttempts: number; uploadTemps: number };

/**
 * One round of tidying: expired sessions (anonymous sign-in pages create them too), sign-in
 * attempts past any window that reads them, and upload temp files a crash left behind. Nothing
 * that any record points at is touched.
 */
export async function housekeeping(config: Pick<Config, 'uploadDir'>): Promise<HousekeepingResult> {
  const sessions = await purgeExpiredSessions();
  const cutoff = new Date(now().getTime() - LOGIN_ATTEMPT_RETENTION_MS);
  const loginAttempts = await withTransaction((transaction) => LoginAttempt.destroy({ where: { at: { [Op.lt]: cutoff } }, transaction }));
  const store = storeFor(config);
  const uploadTemps = store instanceof LocalDiskStore ? await store.removeAbandonedTemps(ABANDONED_UPLOAD_AGE_MS, now().getTime()) : 0;
  return { sessions, loginAttempts, uploadTemps };
}

/** Runs `housekeeping` now and then every interval; a failed round is logged and the next one tries again. */
export function startHousekeeping(config: Pick<Config, 'uploadDir'>): NodeJS.Timeout {
  const round = () =>
    housekeeping(config)
      .then((removed) => logger.info({ removed }, 'housekeeping'))
      .catch((err) => logger.error({ err: String(err) }, 'housekeeping failed'));
  void round();
  const timer = setInterval(round, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  return timer;
}
