import { Router } from 'express';
import { signedIn } from '../server/middleware/rules.js';
import { validateQuery } from '../server/middleware/validate.js';
import { INBOX_PATH, inboxPage, type pageBadgesFor } from '../server/presenters/inbox.js';
import { inboxQuery } from '../server/schemas/inbox.js';
import { actorOf, langOf, queryOf } from './kit.js';

type Badges = Awaited<ReturnType<typeof pageBadgesFor>>;

/** Every person's to-do list (待办, #16): what waits for them in their scope and role, derived from the records' state. */
export function inboxRouter(): Router {
  const router = Router();
  router.get(INBOX_PATH, signedIn, validateQuery(inboxQuery), async (req, res) => {
    // The navigation's badge counted the same list for this request: the page reuses those counts.
    const badges = (await (res.locals.pageBadges as () => Promise<Badges>)()) as Badges;
    const inbox = await inboxPage(actorOf(req), queryOf(res, inboxQuery), langOf(req), badges.counts);
    res.render('inbox/index', { pageTitle: req.t('inbox.title'), inbox });
  });
  return router;
}
