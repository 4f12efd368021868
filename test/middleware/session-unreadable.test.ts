import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import request from 'supertest';
import { keepSessionWhenUnreadable } from '../../server/middleware/session-guards.js';

/** A store whose reads fail as a database that went away does, and which counts deletes. */
class UnreadableStore extends session.Store {
  destroyed: string[] = [];
  override get(_sid: string, cb: (err: unknown) => void): void {
    process.nextTick(cb, Object.assign(new Error('The database sent nothing'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }));
  }
  override set(_sid: string, _sess: session.SessionData, cb?: (err?: unknown) => void): void {
    process.nextTick(() => cb?.());
  }
  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.destroyed.push(sid);
    // The delete fails too: the database is still away.
    process.nextTick(() => cb?.(new Error('still away')));
  }
}

/** The cookie express-session reads for a session id (signed as cookie-signature does). */
const signedCookie = (sid: string, secret: string) =>
  `connect.sid=${encodeURIComponent(`s:${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`)}`;

function appWith(store: UnreadableStore, handled: string[]) {
  const app = express();
  const sessions = session({ secret: 'test-secret', store, resave: false, saveUninitialized: false, unset: 'destroy' });
  app.use(keepSessionWhenUnreadable(sessions));
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    handled.push(err.message);
    if (!res.headersSent) res.status(503).send('unavailable');
  });
  return app;
}

describe('a session the store cannot read', () => {
  it('is answered once with the error, and the stored session is not deleted (the user stays signed in when the database is back)', async () => {
    const store = new UnreadableStore();
    const handled: string[] = [];
    const cookie = signedCookie('the-sid', 'test-secret');
    const res = await request(appWith(store, handled)).get('/').set('Cookie', cookie);
    expect(res.status).to.equal(503);
    // Give a late second pass through the error handler (the failed delete) the time to happen.
    await new Promise((resolve) => setImmediate(resolve));
    expect(handled).to.deep.equal(['The database sent nothing']);
    expect(store.destroyed).to.deep.equal([]);
  });
});
