import { Router } from 'express';
import { z } from 'zod';
import { communityImporter, communityTextOf } from '../server/commands/reference/communityImporter.js';
import type { Config } from '../server/config.js';
import { ValidationError } from '../server/errors.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { storeFor } from '../server/services/storage/index.js';
import { uploadKind } from '../server/services/storage/kinds.js';
import { ImportFileError, readTable } from '../server/services/worker-import.js';
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

/** A district's communities (社区, #21): read by staff, listed and imported by the administrator (pasted, or from a CSV/XLSX file). */
export function communitiesRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
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
  // The same list from a file: the table is read (nothing of the file is kept: its bytes are
  // discarded at the end of the response) and imported exactly as if its rows had been pasted.
  router.post(
    '/reference/districts/:id/communities/file',
    rule('update', 'reference'),
    id,
    district.subject('update'),
    upload('community_import', 'file', store, { onInvalid: render }),
    async (req, res) => {
      const d = district.of(res);
      const uploaded = uploadsOf(res)[0];
      let table: string[][];
      try {
        table = await readTable(await store.get(uploaded.key), uploaded.mimeType === 'text/csv' ? 'csv' : 'xlsx', uploadKind('community_import').maxBytes);
      } catch (err) {
        if (!(err instanceof ImportFileError)) throw err;
        res.status(422);
        return render(req, res, { values: {}, errors: { file: 'reference.communities.fileUnreadable' } });
      }
      // A refusal names the file's rows: shown beside the file field, not the pasted list.
      const outcome = await communityImporter(d.id, communityTextOf(table), by(req)).catch((err: unknown) => {
        if (err instanceof ValidationError && err.fieldErrors.communities) throw new ValidationError({ file: err.fieldErrors.communities });
        throw err;
      });
      flash(req, 'success', 'reference.communities.imported', { ...outcome });
      res.redirect(`/reference/districts/${d.id}/communities`);
    },
  );
  return router;
}
