import { Router } from 'express';
import { databaseAnswers } from '../server/db.js';
import { publicRoute } from '../server/middleware/rules.js';

/**
 * What a load balancer or an orchestrator asks. `/healthz`: the process lives and serves (no
 * database involved, so a database outage does not get healthy processes restarted). `/readyz`:
 * the database answers too, so requests may be sent here; 503 when it does not (within 2 s).
 */
export function healthRouter(): Router {
  const router = Router();
  router.get('/healthz', publicRoute, (_req, res) => {
    res.set('Cache-Control', 'no-store').type('text/plain').send('ok');
  });
  router.get('/readyz', publicRoute, async (_req, res) => {
    const ready = await databaseAnswers();
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .type('text/plain')
      .send(ready ? 'ready' : 'database unavailable');
  });
  return router;
}
