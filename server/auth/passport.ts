import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { User } from '../../models/index.js';
import type { Config } from '../config.js';
import { quickRead } from '../db.js';
import type { Actor } from '../policies/actor.js';
import { attemptSignIn, findUserForSession } from './signin.js';
import { type SessionUser, sessionUserOf, settle } from './session-store.js';

declare global {
  namespace Express {
    // The signed-in user is always an Actor: what policies and scopes read.
    interface User extends Actor {}
  }
}

/** What a session's user id becomes on each request: the actor, or nobody if disabled. */
export function toActor(user: User): Actor {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    districtId: user.districtId,
    cityLevel: user.district?.kind === 'city',
    agencyId: user.agencyId,
    organisationId: user.organisationId,
    mustChangePassword: user.mustChangePassword,
  };
}

/** The actor of the user read with the request's session (one statement with the session's own). */
function actorOfSessionUser(user: SessionUser): Actor {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role as Actor['role'],
    districtId: user.districtId,
    cityLevel: user.districtKind === 'city',
    agencyId: user.agencyId,
    organisationId: user.organisationId,
    mustChangePassword: user.mustChangePassword,
  };
}

/** Configures passport-local over `attemptSignIn`; the session holds only the user id. */
export function configurePassport(config: Config): passport.PassportStatic {
  passport.use(
    new LocalStrategy({ passReqToCallback: true }, (req, username, password, done) => {
      attemptSignIn(username, password, { ip: req.ip ?? 'unknown', requestId: req.id }, config.passwordCost)
        .then(async (result) => {
          if (!result.ok) return done(null, false, { message: result.reason });
          const user = await findUserForSession(result.user.id);
          return done(null, user ? toActor(user) : false);
        })
        .catch(done);
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((req: object, id: number, done: (err: unknown, user?: Actor | false) => void) => {
    // A disabled user's session ends at their next request. The session's statement read the
    // user already (session-store.ts); a user id the row did not name is read here.
    const read = sessionUserOf(req);
    if (read && read.id === id) {
      process.nextTick(done, null, read.status === 'active' ? actorOfSessionUser(read) : false);
      return;
    }
    settle(
      quickRead(() => findUserForSession(id)).then((user) => (user && user.status === 'active' ? toActor(user) : false)),
      done,
    );
  });
  return passport;
}
