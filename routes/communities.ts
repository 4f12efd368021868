import { Router } from 'express';
import { z } from 'zod';
import { communityImporter } from '../server/commands/reference/communityImporter.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { communitiesView } from '../server/presenters/communities.js';
import { idParams } from '../server/schemas/common.js';
import { findDistrict } from '../server/services/reference.js';
import { actorOf, bodyOf, by, langOf, subjectLoader } from './kit.js';

const district = subjectLoader('reference', (_actor, id) => findDistrict(id));
const importForm = z.object({ communities: z.string().max(200_000, 'validation.tooLong').default('') });

const render: OnInvalid = async (req, res, form) => {
  const d = district.of(res);
  res.render('reference/communities', {
    pageTitle: req.t('reference.communities.title', { district: d.name }),
    view: await communitiesView(actorOf(req), d, langOf(req)),
    values: form.values,
    errors: form.errors,
  });
};

/** A district's communities (社区, #21): read by staff, listed and imported by the administrator. */
export function communitiesRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);
  router.get('/reference/districts/:id/communities', rule('read', 'reference'), id, district.subject('read'), (req, res) =>
    render(req, res, { values: {}, errors: {} }),
  );
  router.post(
    '/reference/districts/:id/communities',
    rule('update', 'reference'),
    id,
    district.subject('update'),
    validateBody(importForm, render),
    async (req, res) => {
      const d = district.of(res);
      const outcome = await communityImporter(d.id, bodyOf(res, importForm).communities, by(req));
      flash(req, 'success', 'reference.communities.imported', { ...outcome });
      res.redirect(`/reference/districts/${d.id}/communities`);
    },
  );
  return router;
}
