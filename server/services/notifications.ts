import { literal, Op } from 'sequelize';
import { Delivery, Digest } from '../../models/Delivery.js';
import { Notification, type NotificationKind } from '../../models/Notification.js';
import { User } from '../../models/User.js';
import { now } from '../clock.js';
import { withTransaction } from '../db.js';
import type { Lang } from '../i18n/index.js';

/**
 * Notifications (通知, #16): what a command tells the people its change concerns. `notify` joins
 * the command's transaction (withTransaction joins the one open in this async context), so a
 * notification exists exactly when its change does: a change that rolls back leaves none.
 * Delivery beyond the app (e-mail, other channels) reads these rows afterwards and never blocks
 * the change.
 */

/** What the message of a notification needs: the record it is about, where it is seen, and the values its sentence names. */
export type NotificationInput = {
  kind: NotificationKind | string;
  recordType: string;
  recordId: number;
  href: string;
  /** Values of the sentence (no personal numbers: they are shown to the recipient and may be mailed). */
  params?: Record<string, string | number | null | undefined>;
  /** Once per key and recipient: a second write with the same key is ignored (reminders). */
  dedupeKey?: string;
};

/** A notification is kept for a year, then housekeeping deletes it (#16). */
export const NOTIFICATION_RETENTION_MS = 365 * 24 * 3600 * 1000;

const cleanParams = (params: NotificationInput['params']) =>
  Object.fromEntries(Object.entries(params ?? {}).filter(([, v]) => v !== null && v !== undefined)) as Record<string, string | number>;

/**
 * Writes one notification per recipient (each id once; none for `except`, the person who made the
 * change, nor for a missing id), in the caller's transaction. Returns how many were written.
 */
export async function notify(recipients: readonly (number | null | undefined)[], input: NotificationInput, except?: number): Promise<number> {
  const ids = [...new Set(recipients.filter((id): id is number => typeof id === 'number' && id !== except))];
  if (ids.length === 0) return 0;
  const at = now();
  const params = cleanParams(input.params);
  return withTransaction(async (transaction) => {
    const rows = await Notification.bulkCreate(
      ids.map((userId) => ({
        userId,
        kind: input.kind,
        recordType: input.recordType,
        recordId: input.recordId,
        href: input.href,
        params,
        dedupeKey: input.dedupeKey ?? null,
        createdAt: at,
      })),
      { transaction, ignoreDuplicates: input.dedupeKey !== undefined },
    );
    return rows.length;
  });
}

/**
 * Writes many notifications at once, in one transaction (a reminder round): each entry to its
 * recipients. Entries with a `dedupeKey` already written for a recipient are skipped (the unique
 * key decides, also between two servers writing at the same moment). Returns how many were new.
 */
export async function notifyMany(entries: readonly { recipients: readonly number[]; input: NotificationInput }[]): Promise<number> {
  const at = now();
  const rows = entries.flatMap(({ recipients, input }) =>
    [...new Set(recipients)].map((userId) => ({
      userId,
      kind: input.kind,
      recordType: input.recordType,
      recordId: input.recordId,
      href: input.href,
      params: cleanParams(input.params),
      dedupeKey: input.dedupeKey ?? null,
      createdAt: at,
    })),
  );
  if (rows.length === 0) return 0;
  return withTransaction(async (transaction) => {
    const before = await Notification.count({ where: { createdAt: at }, transaction });
    await Notification.bulkCreate(rows, { transaction, ignoreDuplicates: true });
    return (await Notification.count({ where: { createdAt: at }, transaction })) - before;
  });
}

/** The active users of an organisation: who hears of its records' events. */
export async function organisationMembers(organisationId: number): Promise<number[]> {
  return withTransaction(async (transaction) => {
    const users = await User.findAll({ where: { organisationId, role: 'org', status: 'active' }, attributes: ['id'], transaction });
    return users.map((u) => u.id);
  });
}

/** Deletes notifications older than the retention period (housekeeping); returns how many. */
export async function purgeOldNotifications(): Promise<number> {
  const cutoff = new Date(now().getTime() - NOTIFICATION_RETENTION_MS);
  return withTransaction(async (transaction) => {
    // Their deliveries first (they point at them), then the digests nothing points at any more.
    const old = (await Notification.findAll({ attributes: ['id'], where: { createdAt: { [Op.lt]: cutoff } }, transaction })).map((n) => n.id);
    if (old.length === 0) return 0;
    await Delivery.destroy({ where: { notificationId: { [Op.in]: old } }, transaction });
    const removed = await Notification.destroy({ where: { id: { [Op.in]: old } }, transaction });
    await Digest.destroy({
      where: { createdAt: { [Op.lt]: cutoff }, id: { [Op.notIn]: literal('(SELECT d.digest_id FROM deliveries d WHERE d.digest_id IS NOT NULL)') } },
      transaction,
    });
    return removed;
  });
}

/** Parameters that are codes, shown as their label in the reader's language. */
const LABELLED: Record<string, (code: string, lang: Lang) => string> = {
  category: (c, lang) => lang.t(`deliverables.categories.${c}`),
  grade: (c, lang) => lang.t(`evaluations.grade.${c}`),
  evaluationKind: (c, lang) => lang.t(`evaluations.kind.${c}`),
  workerKind: (c, lang) => lang.t(`workers.kinds.${c}`),
};

/**
 * Kinds whose sentence came to name more than it did (an allocation's project and budget line
 * since 2026-12-04): a notice stored before carries the earlier parameters, so it reads with the
 * earlier sentence instead of showing an empty placeholder.
 */
const EARLIER_SENTENCES: Record<string, { lacking: string }> = {
  allocationApproved: { lacking: 'project' },
  allocationRejected: { lacking: 'project' },
};

/** A notification's sentence in the reader's language, from its kind and parameters (never stored as text). */
export function notificationMessage(n: Pick<Notification, 'kind' | 'params'>, lang: Lang): string {
  const vars = Object.fromEntries(Object.entries(n.params).map(([k, v]) => [k, LABELLED[k] && typeof v === 'string' ? LABELLED[k](v, lang) : v])) as Record<
    string,
    string | number
  >;
  // A service category is data (#21): the notice carries its names as the version it was sent under called it.
  if (typeof n.params.categoryName === 'string')
    vars.category = lang.locale === 'en' ? String(n.params.categoryNameEn ?? n.params.categoryName) : n.params.categoryName;
  const earlier = EARLIER_SENTENCES[n.kind];
  const key = earlier && n.params[earlier.lacking] === undefined ? `notifications.earlierKinds.${n.kind}` : `notifications.kinds.${n.kind}`;
  const message = lang.t(key, vars);
  return vars.reason ? `${message} ${lang.t('notifications.reason', { reason: vars.reason })}` : message;
}
