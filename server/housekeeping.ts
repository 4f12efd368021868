import { Op } from 'sequelize';
import { LoginAttempt } from '../models/index.js';
import { purgeExpiredSessions } from './auth/session-store.js';
import { BEIJING_OFFSET_MS, beijingDay, beijingDayStart, now, today } from './clock.js';
import { redFlagRound, type RedFlagRoundResult } from './commands/oversight/redFlagRound.js';
import { addDays } from './services/calendar.js';
import type { Config } from './config.js';
import { withTransaction } from './db.js';
import { logger } from './logger.js';
import { purgeOldNotifications } from './services/notifications.js';
import { type ReminderRound, sendReminders } from './services/reminders.js';
import { applyRetention, type RetentionRound } from './commands/retention/retentionJob.js';
import { emailChannel, registerChannel } from './services/channels.js';
import { deliveryRound } from './services/deliveries.js';
import { claimJob, PROCESS_NAME, RED_FLAGS_RUNNING, RED_FLAGS_RUNNING_TTL_MS, releaseJob } from './services/job-leases.js';
import { LocalDiskStore, S3Store, storeFor } from './services/storage/index.js';

/** How often the running app tidies up after itself. */
export const HOUSEKEEPING_INTERVAL_MS = 15 * 60 * 1000;
/** Sign-in attempts only count within the 15-minute lock window; a day is ample. */
export const LOGIN_ATTEMPT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** An upload still being written after an hour was abandoned (a crash mid-request). */
export const ABANDONED_UPLOAD_AGE_MS = 60 * 60 * 1000;

export type HousekeepingResult = { sessions: number; loginAttempts: number; notifications: number; uploadTemps: number };

export { claimJob, PROCESS_NAME } from './services/job-leases.js';

/**
 * The database's part of tidying: expired sessions (anonymous sign-in pages create them too),
 * sign-in attempts past any window that reads them and notifications older than a year (#16).
 * Shared by every server, so run once per interval across them (`housekeepingRound`).
 */
async function tidyDatabase(): Promise<Pick<HousekeepingResult, 'sessions' | 'loginAttempts' | 'notifications'>> {
  const sessions = await purgeExpiredSessions();
  const cutoff = new Date(now().getTime() - LOGIN_ATTEMPT_RETENTION_MS);
  const loginAttempts = await withTransaction((transaction) => LoginAttempt.destroy({ where: { at: { [Op.lt]: cutoff } }, transaction }));
  const notifications = await purgeOldNotifications();
  return { sessions, loginAttempts, notifications };
}

/** Where uploads live: the disk under `uploadDir`, or the bucket `storage` names. */
type UploadConfig = Pick<Config, 'uploadDir'> & Partial<Pick<Config, 'storage'>>;

/**
 * What a crash mid-upload leaves: temp files on the local disk, which each server has its own of
 * (and only it can tell its dead writers), so every process sweeps them; or incomplete multipart
 * uploads in the bucket, which the servers share, so only the one holding the interval's lease
 * (`shared`) aborts them.
 */
async function tidyUploads(config: UploadConfig, shared: boolean): Promise<number> {
  const store = storeFor(config);
  if (store instanceof LocalDiskStore) return await store.removeAbandonedTemps(ABANDONED_UPLOAD_AGE_MS, now().getTime());
  if (store instanceof S3Store && shared) return await store.abortAbandonedUploads(ABANDONED_UPLOAD_AGE_MS, now().getTime());
  return 0;
}

/**
 * One round of tidying: expired sessions, sign-in attempts past any window that reads them, and
 * upload temp files a crash left behind. Nothing that any record points at is touched.
 */
export async function housekeeping(config: UploadConfig): Promise<HousekeepingResult> {
  return { ...(await tidyDatabase()), uploadTemps: await tidyUploads(config, true) };
}

/**
 * What each server's timer runs: its own upload temps every time, the database's tidying only
 * when this process wins the interval's `housekeeping` lease (`database` false otherwise), so N
 * servers tidy the shared database once per interval, not N times.
 */
export async function housekeepingRound(config: UploadConfig, owner: string = PROCESS_NAME): Promise<{ database: boolean } & Partial<HousekeepingResult>> {
  if (!(await claimJob('housekeeping', HOUSEKEEPING_INTERVAL_MS, owner))) return { database: false, uploadTemps: await tidyUploads(config, false) };
  const tidied = await tidyDatabase();
  return { database: true, ...tidied, uploadTemps: await tidyUploads(config, true) };
}

/** How often the reminders are looked for: hourly is ample for deadlines counted in days. */
export const REMINDERS_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The reminders' round (#16), once per interval across every server sharing the database (the
 * `reminders` lease): reminders due today and escalations of overdue items. A process that did not
 * win the lease sends nothing (`ran` false); a reminder is written once per deadline and recipient
 * in any case (services/reminders.ts).
 */
export async function remindersRound(owner: string = PROCESS_NAME): Promise<{ ran: boolean } & Partial<ReminderRound>> {
  if (!(await claimJob('reminders', REMINDERS_INTERVAL_MS, owner))) return { ran: false };
  return { ran: true, ...(await sendReminders(today())) };
}

/** The red flags are computed once a night (#17): a lease of 20 hours, so a round claimed late in one night is due again early in the next. */
export const RED_FLAGS_INTERVAL_MS = 20 * 60 * 60 * 1000;
/** …at night in Beijing, before this hour, so the day's work is in and the offices are not yet busy. */
export const RED_FLAGS_NIGHT_ENDS_HOUR = 6;

/**
 * The red flags' nightly round (#17), once a day across every server sharing the database (the
 * `red_flags` lease), only between midnight and 06:00 in Beijing: housekeeping's quarter-hourly
 * timer asks, and the first ask of the night wins the day's lease. `ran` false otherwise.
 */
export async function redFlagsRound(owner: string = PROCESS_NAME, at: Date = now()): Promise<{ ran: boolean } & Partial<RedFlagRoundResult>> {
  const hour = new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCHours();
  if (hour >= RED_FLAGS_NIGHT_ENDS_HOUR) return { ran: false };
  // A round someone asked for is running: the night's is left for the next quarter hour.
  if (!(await claimJob(RED_FLAGS_RUNNING, RED_FLAGS_RUNNING_TTL_MS, owner))) return { ran: false };
  try {
    if (!(await claimJob('red_flags', RED_FLAGS_INTERVAL_MS, owner))) return { ran: false };
    return { ran: true, ...(await redFlagRound(beijingDay(at))) };
  } finally {
    await releaseJob(RED_FLAGS_RUNNING, owner);
  }
}

/** The hour (Beijing) at which the retention of personal data is applied each night (#20). */
export const RETENTION_HOUR = 2;

/** From `at` to the next RETENTION_HOUR:00 in Beijing: the retention lease's interval. */
export function untilRetentionHour(at: Date): number {
  const hour = RETENTION_HOUR * 3600_000;
  const day = beijingDay(at);
  let next = beijingDayStart(day).getTime() + hour;
  if (next <= at.getTime()) next = beijingDayStart(addDays(day, 1)).getTime() + hour;
  return next - at.getTime();
}

/**
 * The retention round (#20), once a day across the servers sharing the database (the `retention`
 * lease; the first round when the app starts, then each night at 02:00 Beijing): removes the personal data of ended contracts whose period has passed and that no hold
 * stops (commands/retention/retentionJob.ts). A process that did not win the lease does nothing.
 */
export async function retentionRound(config: UploadConfig, owner: string = PROCESS_NAME): Promise<{ ran: boolean } & Partial<RetentionRound>> {
  if (!(await claimJob('retention', untilRetentionHour(now()), owner))) return { ran: false };
  return { ran: true, ...(await applyRetention(storeFor(config), today())) };
}

/**
 * Runs `housekeepingRound` now and then every interval; a failed round is logged and the next one
 * tries again. `stop()` ends the timer and resolves when a round in progress has finished.
 */
export function startHousekeeping(config: UploadConfig): { stop: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = housekeepingRound(config)
      .then((removed) => logger.info({ removed }, 'housekeeping'))
      .catch((err) => logger.error({ err: String(err) }, 'housekeeping failed'))
      .then(() => remindersRound())
      .then((sent) => {
        if (sent.ran) logger.info({ sent }, 'reminders');
      })
      .catch((err) => logger.error({ err: String(err) }, 'reminders failed'))
      .then(() => redFlagsRound())
      .then((flags) => {
        if (flags.ran) logger.info({ flags }, 'red flags');
      })
      .catch((err) => logger.error({ err: String(err) }, 'red flags failed'))
      .then(() => retentionRound(config))
      .then((applied) => {
        if (applied.ran) logger.info({ applied }, 'retention');
      })
      .catch((err) => logger.error({ err: String(err) }, 'retention failed'));
  };
  round();
  const timer = setInterval(round, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  // Shutdown waits for a round in progress: closing the pool under its queries failed the exit
  // (SQLITE_MISUSE on a spawned server stopped right after start).
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}

/** How often notifications are delivered beyond the app: each minute, so "immediately" is within a minute or two. */
export const DELIVERIES_INTERVAL_MS = 60 * 1000;

/**
 * The delivery round (#16), once per interval across the servers (the `deliveries` lease; each
 * send is claimed on its own row as well, so no message goes twice). A process that did not win the
 * lease sends nothing (`ran` false).
 */
export async function deliveriesRound(config: Pick<Config, 'publicUrl'>, owner: string = PROCESS_NAME) {
  if (!(await claimJob('deliveries', DELIVERIES_INTERVAL_MS, owner))) return { ran: false };
  return { ran: true, ...(await deliveryRound({ baseUrl: config.publicUrl })) };
}

/**
 * Registers the channels the configuration names (e-mail when SMTP_URL is set) and runs the
 * delivery round every interval; a failed round is logged and the next one tries again. Nothing
 * here runs inside a request: a slow or failing channel never holds a change.
 */
export function startDeliveries(config: Pick<Config, 'publicUrl' | 'smtpUrl' | 'mailFrom'>): { stop: () => Promise<void> } {
  if (config.smtpUrl) registerChannel(emailChannel(config.smtpUrl, config.mailFrom));
  let running: Promise<void> = Promise.resolve();
  const round = () => {
    running = running
      .then(() => deliveriesRound(config))
      .then((r) => {
        if (r.ran && 'dispatched' in r && (r.dispatched || r.immediate.sent || r.immediate.failed || r.digests.sent || r.digests.failed))
          logger.info({ delivered: r }, 'deliveries');
      })
      .catch((err) => logger.error({ err: String(err) }, 'deliveries failed'));
  };
  const timer = setInterval(round, DELIVERIES_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return running;
    },
  };
}
