import { Router } from 'express';
import { dashboardFor } from '../server/presenters/dashboard.js';
import { rule } from '../server/middleware/rules.js';
import { actorOf } from './kit.js';

/** Each role's start page. */
export function dashboardRouter(): Router {
  const router = Router();
  router.get('/', rule('view', 'dashboard'), async (req, res) => {
    res.render('dashboard/index', { pageTitle: req.t('nav.dashboard'), dashboard: await dashboardFor(actorOf(req), req.t) });
  });
  return router;
}
