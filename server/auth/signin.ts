import { Op } from 'sequelize';
import { District, LoginAttempt, User } from '../../models/index.js';
import { now } from '../clock.js';
import { withTransaction } from '../db.js';
import { recordAudit, type AuditContext } from '../services/audit.js';
import { hashPassword, verifyPassword } from './password.js';

/** SECURITY.md: 10 failures in 15 minutes lock that username for 15 minutes. */
export const USERNAME_FAILURE_LIMIT = 10;
export const LOCK_WINDOW_MS = 15 * 60 * 1000;
/** Offices share one NAT address, so the per-IP throttle is far looser than the per-user lock. */
export const IP_FAILURE_LIMIT = 100;

export type SignInResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' | 'throttled' };

let dummyHash: Promise<string> | undefined;

/** Usernames are compared without case or surrounding space; passwords exactly as typed. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Loads a user with the district that decides their scope. */
export function findUserForSession(id: number): Promise<User | null> {
  return User.findByPk(id, { include: [{ model: District, as: 'district' }] });
}

/**
 * Checks a sign-in. An unknown username and a wrong password take the same time and give the
 * same answer; every outcome is recorded as an attempt and an audit event.
 */
export async function attemptSignIn(
  rawUsername: string,
  password: string,
  context: AuditContext & { ip: string },
  passwordCost: number,
): Promise<SignInResult> {
  const username = normaliseUsername(rawUsername).slice(0, 64);
  const at = now();
  const windowStart = new Date(at.getTime() - LOCK_WINDOW_MS);

  const ipFailures = await LoginAttempt.count({
    where: { ip: context.ip, outcome: 'failure', at: { [Op.gt]: windowStart } },
  });
  if (ipFailures >= IP_FAILURE_LIMIT) {
    await record(username, context, 'throttled', 'auth.sign_in_throttled', null);
    return { ok: false, reason: 'throttled' };
  }
  const lock = await LoginAttempt.findOne({
    where: { username, outcome: 'locked', at: { [Op.gt]: windowStart } },
  });
  if (lock) {
    await record(username, context, 'throttled', 'auth.sign_in_locked', null);
    return { ok: false, reason: 'locked' };
  }

  const user = await User.findOne({ where: { username } });
  dummyHash ??= hashPassword('not-a-password-of-anyone', passwordCost);
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  if (user && matches && user.status === 'active') {
    await withTransaction(async (transaction) => {
      await LoginAttempt.create({ username, ip: context.ip, outcome: 'success', at }, { transaction });
      await user.update({ lastSignInAt: at }, { transaction });
      await recordAudit({
        actor: { id: user.id, username: user.username, role: user.role },
        action: 'auth.sign_in',
        recordType: 'user',
        recordId: user.id,
        districtId: user.districtId,
        context,
      });
    });
    return { ok: true, user };
  }

  const locked = await withTransaction(async (transaction) => {
    await LoginAttempt.create({ username, ip: context.ip, outcome: 'failure', at }, { transaction });
    const lastReset = await LoginAttempt.max<Date, LoginAttempt>('at', {
      where: { username, outcome: { [Op.in]: ['success', 'locked'] } },
      transaction,
    });
    const since = lastReset && new Date(lastReset) > windowStart ? new Date(lastReset) : windowStart;
    const failures = await LoginAttempt.count({
      where: { username, outcome: 'failure', at: { [Op.gt]: since } },
      transaction,
    });
    await recordAudit({
      actor: null,
      action: 'auth.sign_in_failed',
      recordType: 'user',
      recordId: user?.id ?? null,
      detail: { username },
      context,
    });
    if (failures < USERNAME_FAILURE_LIMIT) return false;
    await LoginAttempt.create({ username, ip: context.ip, outcome: 'locked', at }, { transaction });
    await recordAudit({ actor: null, action: 'auth.locked', recordType: 'user', recordId: user?.id ?? null, detail: { username }, context });
    return true;
  });
  return { ok: false, reason: locked ? 'locked' : 'invalid' };
}

async function record(username: string, context: AuditContext & { ip: string }, outcome: 'throttled', action: string, userId: number | null): Promise<void> {
  await withTransaction(async (transaction) => {
    await LoginAttempt.create({ username, ip: context.ip, outcome, at: now() }, { transaction });
    await recordAudit({ actor: null, action, recordType: 'user', recordId: userId, detail: { username }, context });
  });
}
