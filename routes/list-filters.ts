import { Router } from 'express';
import { filterPost } from '../server/middleware/held-filters.js';
import { signedIn } from '../server/middleware/rules.js';

/**
 * Where every list's filter form is sent (POST, so a phone or ID number typed into a search never
 * enters an address): a redirect to the list's GET address, a personal-looking search held behind
 * a token. Any signed-in user may post; the list itself then checks its own rule.
 */
export function listFiltersRouter(): Router {
  const router = Router();
  router.post('/lists/filter', signedIn, filterPost);
  return router;
}
