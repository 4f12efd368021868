import session from 'express-session';
import { Op, QueryTypes } from 'sequelize';
import { Session } from '../../models/index.js';
import { now } from '../clock.js';
import { getSequelize, quickRead, withTransaction } from '../db.js';

/** Idle expiry (SECURITY.md): a session unused for 30 minutes is over. */
export const IDLE_MS = 30 * 60 * 1000;
/** Absolute expiry: 10 hours after sign-in, whatever the activity. */
export const ABSOLUTE_MS = 10 * 60 * 60 * 1000;
/**
 * How far a request must move a session's idle expiry before its row is written (#15): a request
 * within a minute of the last write leaves the row alone, so reading pages costs no write
 * transaction each. The idle expiry is then between 29 and 30 minutes after the last request,
 * never later than SECURITY.md's 30.
 */
export const TOUCH_EVERY_MS = 60 * 1000;

/** The stored expiry of each request's session, as its row said when it was read (see `createSession`). */
const storedExpiry = new WeakMap<object, number>();
/** Where `get` hands the row's expiry to `createSession`; never kept in the session itself. */
const STORED_UNTIL = '__storedUntil';

type SessionData = session.SessionData & { passport?: { user?: number } };

/**
 * The session's user as the session's own statement read it (#15): what deserializing needs to
 * make the request's actor (passport.ts), with the status that ends a disabled user's session.
 */
export type SessionUser = {
  id: number;
  username: string;
  displayName: string;
  role: string;
  status: string;
  districtId: number;
  districtKind: string | null;
  agencyId: number | null;
  organisationId: number | null;
  mustChangePassword: boolean;
};
/** Where `get` hands the user it read to `createSession`; never kept in the session itself. */
const SESSION_USER = '__sessionUser';
/** The user read with each request's session (see `createSession`), for `sessionUserOf`. */
const usersRead = new WeakMap<object, SessionUser>();

/**
 * The session row and its user in one statement (#15): every signed-in page read the session and
 * then the user by two round trips through the model layer, a fifth to a half of the statements
 * of a cheap page. The user is read fresh with every request as before (a role changed or a user
 * disabled takes effect on the next one); only the second statement is gone. Plain SQL over
 * columns of three tables, written once; the sid is a bound value.
 */
const SESSION_WITH_USER = [
  'SELECT s.`data` AS `data`, s.`expires_at` AS `expiresAt`, u.`id` AS `userId`, u.`username` AS `username`,',
  'u.`display_name` AS `displayName`, u.`role` AS `role`, u.`status` AS `status`, u.`district_id` AS `districtId`,',
  'd.`kind` AS `districtKind`, u.`agency_id` AS `agencyId`, u.`organisation_id` AS `organisationId`,',
  'u.`must_change_password` AS `mustChangePassword`',
  'FROM `sessions` s LEFT JOIN `users` u ON u.`id` = s.`user_id` LEFT JOIN `districts` d ON d.`id` = u.`district_id`',
  'WHERE s.`sid` = ?',
].join(' ');

type SessionRow = Omit<SessionUser, 'id' | 'mustChangePassword'> & {
  data: string;
  expiresAt: Date | string;
  userId: number | null;
  mustChangePassword: number | boolean | null;
};

/** A DATE column as the driver hands it over in a plain query: a Date (mysql2), or text (SQLite). */
function timeOf(value: Date | string): number {
  return value instanceof Date ? value.getTime() : new Date(value).getTime();
}

/** The user read with this request's session, if it had one. */
export function sessionUserOf(req: object): SessionUser | undefined {
  return usersRead.get(req);
}

/**
 * Hands a promise's outcome to a callback exactly once, outside the promise chain: a callback that
 * goes on to run the rest of the request and throws there must not be called a second time with
 * its own error (as `.then(cb).catch(cb)` would), which ran the error handler twice.
 */
export function settle<T>(outcome: Promise<T>, cb: (err: unknown, value?: T) => void): void {
  outcome.then(
    (value) => process.nextTick(cb, null, value),
    (err) => process.nextTick(cb, err),
  );
}

function settleLater(cb: ((err?: unknown) => void) | undefined, err?: unknown): void {
  if (cb) process.nextTick(cb, err);
}

function userIdOf(sess: SessionData): number | null {
  const id = sess.passport?.user;
  return typeof id === 'number' ? id : null;
}

function expiryOf(sess: SessionData): Date {
  const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires) : null;
  return cookieExpiry && !Number.isNaN(cookieExpiry.getTime()) ? cookieExpiry : new Date(now().getTime() + IDLE_MS);
}

/**
 * Sessions in the database, so they survive a restart and several processes share them. Each
 * row carries the user id, so an administrator (or disabling a user) can end all of a user's
 * sessions at once.
 */
export class DatabaseSessionStore extends session.Store {
  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    settle(
      quickRead(() => getSequelize().query<SessionRow>(SESSION_WITH_USER, { replacements: [sid], type: QueryTypes.SELECT })).then(([row]) => {
        const until = row ? timeOf(row.expiresAt) : 0;
        if (!row || until <= now().getTime()) return null;
        const user: SessionUser | null =
          row.userId === null
            ? null
            : {
                id: Number(row.userId),
                username: row.username,
                displayName: row.displayName,
                role: row.role,
                status: row.status,
                districtId: row.districtId,
                districtKind: row.districtKind,
                agencyId: row.agencyId,
                organisationId: row.organisationId,
                mustChangePassword: Boolean(row.mustChangePassword),
              };
        return { ...(JSON.parse(row.data) as session.SessionData), [STORED_UNTIL]: until, [SESSION_USER]: user };
      }),
      cb,
    );
  }

  /**
   * express-session builds the request's session from what `get` read: the row's expiry and the
   * user read with it are kept beside the request, not in the session.
   */
  override createSession(req: Parameters<session.Store['createSession']>[0], sess: session.SessionData): session.Session & session.SessionData {
    const data = sess as session.SessionData & { [STORED_UNTIL]?: unknown; [SESSION_USER]?: SessionUser | null };
    if (typeof data[STORED_UNTIL] === 'number') storedExpiry.set(req, data[STORED_UNTIL]);
    if (data[SESSION_USER]) usersRead.set(req, data[SESSION_USER]);
    delete data[STORED_UNTIL];
    delete data[SESSION_USER];
    return super.createSession(req, sess);
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const at = now();
    withTransaction((transaction) =>
      Session.upsert(
        { sid, userId: userIdOf(sess), data: JSON.stringify(sess), expiresAt: expiryOf(sess), createdAt: at, updatedAt: at },
        { transaction, fields: ['userId', 'data', 'expiresAt', 'updatedAt'] },
      ),
    ).then(
      () => settleLater(cb),
      (err) => settleLater(cb, err),
    );
  }

  override touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const req = (sess as { req?: object }).req;
    const stored = req ? storedExpiry.get(req) : undefined;
    if (stored !== undefined && expiryOf(sess).getTime() - stored < TOUCH_EVERY_MS) return settleLater(cb);
    withTransaction((transaction) => Session.update({ expiresAt: expiryOf(sess), updatedAt: now() }, { where: { sid }, transaction })).then(
      () => settleLater(cb),
      (err) => settleLater(cb, err),
    );
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    withTransaction((transaction) => Session.destroy({ where: { sid }, transaction })).then(
      () => settleLater(cb),
      (err) => settleLater(cb, err),
    );
  }
}

/** Ends every session of a user (disabling, password change by an administrator, "end sessions"). */
export async function endSessionsOf(userId: number, exceptSid?: string): Promise<number> {
  return withTransaction((transaction) => Session.destroy({ where: { userId, ...(exceptSid ? { sid: { [Op.ne]: exceptSid } } : {}) }, transaction }));
}

/** Removes expired rows; run at start and from time to time. */
export async function purgeExpiredSessions(): Promise<number> {
  return withTransaction((transaction) => Session.destroy({ where: { expiresAt: { [Op.lte]: now() } }, transaction }));
}
