import path from 'node:path';
import cookieParser from 'cookie-parser';
import ejs from 'ejs';
import express, { type Express } from 'express';
import session from 'express-session';
import { ABSOLUTE_MS, DatabaseSessionStore, IDLE_MS } from './auth/session-store.js';
import { configurePassport } from './auth/passport.js';
import { type Config, projectRoot } from './config.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { locals } from './middleware/locals.js';
import { pageBadges } from './middleware/page-badges.js';
import { requestContext } from './middleware/request-context.js';
import { configureVisitorTokens, crossSiteProtection, securityHeaders } from './middleware/security.js';
import { pageBadgesFor } from './presenters/inbox.js';
import { navigationFor } from './presenters/navigation.js';
import { keepSessionWhenUnreadable, passwordChangeGate, saveSessionBeforeRedirect, sessionLifetime } from './middleware/session-guards.js';
import { healthRouter } from '../routes/health.js';
import { mountRoutes } from '../routes/index.js';
import { configureOcdsPrefix } from './services/ocds/identifiers.js';

/**
 * Builds the Express application; `server/index.ts` listens, tests import this. The database
 * must be initialised first (`initDatabase`).
 */
export function createApp(config: Config, options: { mountExtra?: (app: Express) => void } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  const views = path.join(projectRoot, 'views');
  app.set('view engine', 'ejs');
  app.set('views', views);
  // Views include each other by their path from views/ ('/partials/field'), which EJS joins to
  // `root`; a relative include is first looked for on disk, at every include of every render
  // (#15: a tenth of a list page's render). Express's own call passes no options, so they are set
  // here, with its view cache (compiled once in production).
  app.engine('ejs', (file: string, data: object, cb: (err: Error | null, html?: string) => void) =>
    ejs.renderFile(file, data, { root: views, cache: Boolean((data as { cache?: boolean }).cache) }, cb),
  );
  app.set('query parser', 'simple');
  configureOcdsPrefix(config.ocdsPrefix);
  if (config.trustProxy) app.set('trust proxy', config.trustProxy);

  app.use(requestContext);
  app.use(securityHeaders());
  const staticOptions = { index: false, fallthrough: true, maxAge: config.isProduction ? '7d' : 0 };
  app.use('/public', express.static(path.join(projectRoot, 'public'), staticOptions));
  app.use('/vendor/bootstrap', express.static(path.join(projectRoot, 'node_modules/bootstrap/dist'), staticOptions));
  app.use('/vendor/chart.js', express.static(path.join(projectRoot, 'node_modules/chart.js/dist'), staticOptions));

  // Health checks come before the session: a load balancer's probe never reads the database for a
  // session, so /healthz stays up while the database is away (and /readyz says so).
  app.use(healthRouter());

  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }));
  const secure = config.publicUrl?.startsWith('https://') ?? false;
  configureVisitorTokens(config.sessionSecret, secure);
  app.use(
    keepSessionWhenUnreadable(
      session({
        name: secure ? '__Host-careprocure' : 'careprocure.sid',
        secret: config.sessionSecret,
        store: new DatabaseSessionStore(),
        resave: false,
        saveUninitialized: false,
        rolling: true,
        unset: 'destroy',
        cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: IDLE_MS, path: '/' },
      }),
    ),
  );
  const passport = configurePassport(config);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(saveSessionBeforeRedirect);
  app.use(sessionLifetime(ABSOLUTE_MS));
  app.use(locals(navigationFor));
  app.use(pageBadges(pageBadgesFor));
  app.use(crossSiteProtection);
  app.use(passwordChangeGate);

  mountRoutes(app, config);
  // Tests mount routes of their own here (a route that throws, to see the 500 page).
  options.mountExtra?.(app);

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
