import { Op } from 'sequelize';
import { Delivery, Digest, type DeliveryMode, NotificationPreference } from '../../models/Delivery.js';
import { Notification } from '../../models/Notification.js';
import { User } from '../../models/User.js';
import { BEIJING_OFFSET_MS, beijingDay, now } from '../clock.js';
import { withTransaction } from '../db.js';
import { DEFAULT_LOCALE, isLocale, translator } from '../i18n/index.js';
import { channelNamed, type DeliveryChannel, deliveryChannels } from './channels.js';
import { findPersonalNumbers } from './identifiers.js';
import { notificationMessage } from './notifications.js';

/**
 * Delivery of notifications beyond the app (#16), by a round that runs apart from the changes that
 * caused them (so a slow or failing mail server never blocks or undoes a change):
 * 1. dispatch: each new notification becomes one delivery per channel on which its recipient can
 *    be reached and has not switched that kind off — sent at once, or kept for the daily digest
 *    (the default);
 * 2. the immediate ones are sent, each claimed first by a conditional update (two servers never
 *    send one twice), a failure tried again with backoff and given up after the last try;
 * 3. from DIGEST_HOUR (Beijing) each person gets one digest a day per channel (unique per day) of
 *    what waited, retried the same way.
 * Messages are in the person's language and carry no personal numbers (any that a typed reason
 * holds are masked).
 */

/** The hour (Beijing) from which the day's digests go out. */
export const DIGEST_HOUR = 8;
/** Notifications turned into deliveries per batch. */
const DISPATCH_BATCH = 500;
/** Tries of one delivery before it is given up. */
export const MAX_ATTEMPTS = 6;
/** Minutes to wait before the next try, after the 1st, 2nd … failure. */
export const BACKOFF_MINUTES = [1, 5, 30, 120, 720] as const;
/** A try that has not reported back within this long (a crash mid-send) is tried again. */
const SENDING_LEASE_MS = 10 * 60_000;

/** The preference groups a person chooses for, each covering the notification kinds that start with its prefixes. */
export const PREFERENCE_GROUPS = {
  money: ['allocation', 'payment', 'claim'],
  deliverables: ['deliverable'],
  evaluations: ['evaluation'],
  reminders: ['reminder'],
  escalations: ['escalation'],
} as const;
export type PreferenceGroup = keyof typeof PREFERENCE_GROUPS;
export const DEFAULT_MODE: DeliveryMode = 'daily';

/** The preference group of a notification kind. */
export function groupOf(kind: string): PreferenceGroup {
  for (const [group, prefixes] of Object.entries(PREFERENCE_GROUPS)) if (prefixes.some((p) => kind.startsWith(p))) return group as PreferenceGroup;
  return 'money';
}

/** Where links in messages point: the app's public address, if configured. */
export type MailContext = { baseUrl?: string };

/** Text safe to send: any ID or mobile number in it replaced by its masked form. */
export function withoutPersonalNumbers(text: string): string {
  let out = '';
  let at = 0;
  for (const f of findPersonalNumbers(text)) {
    if (f.start < at) continue;
    out += text.slice(at, f.start) + f.masked;
    at = f.end;
  }
  return out + text.slice(at);
}

const localeOf = (user: Pick<User, 'locale'>) => (isLocale(user.locale) ? user.locale : DEFAULT_LOCALE);
const linkOf = (href: string, ctx: MailContext) => (ctx.baseUrl ? `${ctx.baseUrl.replace(/\/$/, '')}${href}` : href);

/** The message of one notification to one person, in their language. */
export function singleMessage(user: Pick<User, 'displayName' | 'locale'>, n: Pick<Notification, 'kind' | 'params' | 'href'>, ctx: MailContext) {
  const locale = localeOf(user);
  const t = translator(locale);
  const sentence = notificationMessage(n, { t, locale });
  const subject = `[${t('app.shortName')}] ${sentence.length > 60 ? `${sentence.slice(0, 59)}…` : sentence}`;
  const text = [t('mail.greeting', { name: user.displayName }), '', sentence, '', `${t('mail.open')} ${linkOf(n.href, ctx)}`, '', t('mail.footer')].join('\n');
  return { subject: withoutPersonalNumbers(subject), text: withoutPersonalNumbers(text) };
}

/** The day's digest to one person, in their language: every notification that waited for it. */
export function digestMessage(
  user: Pick<User, 'displayName' | 'locale'>,
  day: string,
  items: Pick<Notification, 'kind' | 'params' | 'href'>[],
  ctx: MailContext,
) {
  const locale = localeOf(user);
  const t = translator(locale);
  const lines = items.flatMap((n, i) => [`${i + 1}. ${notificationMessage(n, { t, locale })}`, `   ${linkOf(n.href, ctx)}`]);
  const subject = `[${t('app.shortName')}] ${t('mail.digestSubject', { day, count: items.length })}`;
  const text = [
    t('mail.greeting', { name: user.displayName }),
    '',
    t('mail.digestIntro', { day, count: items.length }),
    '',
    ...lines,
    '',
    t('mail.footer'),
  ].join('\n');
  return { subject: withoutPersonalNumbers(subject), text: withoutPersonalNumbers(text) };
}

/**
 * Turns notifications not yet dispatched (oldest first, `limit` at most) into their deliveries,
 * and marks them dispatched; with no channel configured they are only marked. Returns how many
 * deliveries were written.
 */
export async function dispatchNotifications(limit = 500): Promise<number> {
  const channels = deliveryChannels();
  const batch = await Notification.findAll({ where: { dispatchedAt: null }, order: [['id', 'ASC']], limit });
  if (batch.length === 0) return 0;
  const userIds = [...new Set(batch.map((n) => n.userId))];
  const [users, preferences] = await Promise.all([
    User.findAll({ where: { id: { [Op.in]: userIds } }, attributes: ['id', 'email', 'status'] }),
    NotificationPreference.findAll({ where: { userId: { [Op.in]: userIds } } }),
  ]);
  const at = now();
  const rows = batch.flatMap((n) => {
    const user = users.find((u) => u.id === n.userId);
    if (!user || user.status !== 'active') return [];
    const mode = preferences.find((p) => p.userId === n.userId && p.kind === groupOf(n.kind))?.mode ?? DEFAULT_MODE;
    if (mode === 'off') return [];
    return channels
      .filter((c) => c.addressOf({ email: user.email }) !== null)
      .map((c) => ({
        notificationId: n.id,
        userId: n.userId,
        channel: c.name,
        mode,
        status: 'pending' as const,
        nextAttemptAt: mode === 'immediately' ? at : null,
        createdAt: at,
      }));
  });
  return withTransaction(async (transaction) => {
    if (rows.length) await Delivery.bulkCreate(rows, { transaction, ignoreDuplicates: true });
    await Notification.update({ dispatchedAt: at }, { where: { id: { [Op.in]: batch.map((n) => n.id) }, dispatchedAt: null }, transaction });
    return rows.length;
  });
}

type Outcome = { sent: number; failed: number };

/** The state after a failed try: tried again after the backoff, or given up after the last try. */
function afterFailure(attempts: number, err: unknown, at: Date) {
  const reason = withoutPersonalNumbers(err instanceof Error ? err.message : String(err)).slice(0, 500);
  if (attempts >= MAX_ATTEMPTS) return { status: 'gave_up' as const, lastError: reason, nextAttemptAt: null };
  const wait = BACKOFF_MINUTES[Math.min(attempts, BACKOFF_MINUTES.length) - 1] * 60_000;
  return { status: 'failed' as const, lastError: reason, nextAttemptAt: new Date(at.getTime() + wait) };
}

const RETRYABLE = ['pending', 'failed', 'sending'];

/** Sends the immediate deliveries that are due (new ones and retries whose time has come). */
export async function sendImmediate(ctx: MailContext, limit = 100): Promise<Outcome> {
  const at = now();
  const due = await Delivery.findAll({
    where: { mode: 'immediately', status: { [Op.in]: RETRYABLE }, nextAttemptAt: { [Op.lte]: at } },
    include: [
      { model: Notification, as: 'notification' },
      { model: User, as: 'recipient', attributes: ['id', 'displayName', 'email', 'locale'] },
    ],
    order: [['nextAttemptAt', 'ASC']],
    limit,
  });
  const outcome: Outcome = { sent: 0, failed: 0 };
  for (const d of due) {
    const channel = channelNamed(d.channel);
    if (!channel || !d.notification || !d.recipient) continue;
    if (!(await claim(Delivery, d.id, d.attempts, at))) continue;
    const attempts = d.attempts + 1;
    try {
      await send(channel, d.recipient, singleMessage(d.recipient, d.notification, ctx));
      await Delivery.update({ status: 'delivered', deliveredAt: now(), lastError: null, nextAttemptAt: null }, { where: { id: d.id } });
      outcome.sent += 1;
    } catch (err) {
      await Delivery.update(afterFailure(attempts, err, now()), { where: { id: d.id } });
      outcome.failed += 1;
    }
  }
  return outcome;
}

/** Claims one try of a delivery or digest: true for exactly one of any number of servers asking. */
async function claim(model: typeof Delivery | typeof Digest, id: number, attempts: number, at: Date): Promise<boolean> {
  const [changed] = await (model as typeof Delivery).update(
    { status: 'sending', attempts: attempts + 1, nextAttemptAt: new Date(at.getTime() + SENDING_LEASE_MS) },
    { where: { id, attempts, status: { [Op.in]: RETRYABLE }, nextAttemptAt: { [Op.lte]: at } } },
  );
  return changed === 1;
}

async function send(channel: DeliveryChannel, person: Pick<User, 'email'>, message: { subject: string; text: string }): Promise<void> {
  const to = channel.addressOf({ email: person.email });
  if (!to) throw new Error(`no ${channel.name} address`);
  await channel.send({ to, ...message });
}

/** The hour of the day in Beijing. */
const beijingHour = (at: Date) => new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCHours();

/**
 * From DIGEST_HOUR, opens today's digest of each person and channel with deliveries waiting for
 * one (at most one a day: a person whose digest went out today keeps the rest for tomorrow), then
 * sends the digests that are due (new ones and retries).
 */
export async function sendDigests(ctx: MailContext, limit = 100): Promise<Outcome> {
  const at = now();
  const day = beijingDay(at);
  if (beijingHour(at) >= DIGEST_HOUR) await openDigests(day, at);
  const due = await Digest.findAll({ where: { status: { [Op.in]: RETRYABLE }, nextAttemptAt: { [Op.lte]: at } }, order: [['nextAttemptAt', 'ASC']], limit });
  const outcome: Outcome = { sent: 0, failed: 0 };
  for (const digest of due) {
    const channel = channelNamed(digest.channel);
    if (!channel) continue;
    if (!(await claim(Digest, digest.id, digest.attempts, at))) continue;
    const attempts = digest.attempts + 1;
    const [user, items] = await Promise.all([
      User.findByPk(digest.userId, { attributes: ['id', 'displayName', 'email', 'locale'] }),
      Delivery.findAll({ where: { digestId: digest.id }, include: [{ model: Notification, as: 'notification' }], order: [['notificationId', 'ASC']] }),
    ]);
    const notifications = items.map((d) => d.notification).filter((n): n is Notification => Boolean(n));
    try {
      if (!user) throw new Error('recipient no longer exists');
      await send(channel, user, digestMessage(user, digest.day, notifications, ctx));
      const done = { status: 'delivered' as const, deliveredAt: now(), lastError: null, nextAttemptAt: null };
      await withTransaction(async (transaction) => {
        await Digest.update(done, { where: { id: digest.id }, transaction });
        await Delivery.update({ ...done, attempts }, { where: { digestId: digest.id }, transaction });
      });
      outcome.sent += 1;
    } catch (err) {
      const failed = afterFailure(attempts, err, now());
      await withTransaction(async (transaction) => {
        await Digest.update(failed, { where: { id: digest.id }, transaction });
        await Delivery.update({ ...failed, attempts }, { where: { digestId: digest.id }, transaction });
      });
      outcome.failed += 1;
    }
  }
  return outcome;
}

async function openDigests(day: string, at: Date): Promise<void> {
  const waiting = await Delivery.findAll({ where: { mode: 'daily', status: 'pending', digestId: null }, attributes: ['id', 'userId', 'channel'], limit: 5000 });
  const groups = new Map<string, { userId: number; channel: string; ids: number[] }>();
  for (const d of waiting) {
    const key = `${d.userId}:${d.channel}`;
    const g = groups.get(key) ?? { userId: d.userId, channel: d.channel, ids: [] };
    g.ids.push(d.id);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    await withTransaction(async (transaction) => {
      const [digest, made] = await Digest.findOrCreate({
        where: { userId: g.userId, channel: g.channel, day },
        defaults: { userId: g.userId, channel: g.channel, day, status: 'pending', nextAttemptAt: at, createdAt: at },
        transaction,
      });
      // Today's digest went out already (or another server opened it): these wait for tomorrow's.
      if (!made) return;
      await Delivery.update({ digestId: digest.id }, { where: { id: { [Op.in]: g.ids }, digestId: null }, transaction });
    }).catch((err: unknown) => {
      // Two servers opening the same digest: the unique key lets one through.
      if ((err as Error).name !== 'SequelizeUniqueConstraintError') throw err;
    });
  }
}

/** One delivery round: dispatch what is new, send what is due, open and send the day's digests. */
export async function deliveryRound(ctx: MailContext): Promise<{ dispatched: number; immediate: Outcome; digests: Outcome }> {
  let dispatched = 0;
  // A burst (a reminder round) may leave more than one batch: take up to twenty per round.
  for (let batch = 0; batch < 20; batch += 1) {
    const written = await dispatchNotifications(DISPATCH_BATCH);
    dispatched += written;
    if ((await Notification.count({ where: { dispatchedAt: null } })) === 0) break;
  }
  const immediate = await sendImmediate(ctx);
  const digests = await sendDigests(ctx);
  return { dispatched, immediate, digests };
}
