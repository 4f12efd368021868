import { Router } from 'express';
import { z } from 'zod';
import { communityRenamer, communityRetirer } from '../server/commands/reference/communityEditor.js';
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
import { idParams, recordId } from '../server/schemas/common.js';
import { findDistrict } from '../server/services/reference.js';
import { actorOf, bodyOf, by, langOf, paramsOf, subjectLoader } from './kit.js';

const district = subjectLoader('reference', (_actor, id) => findDistrict(id));
const importForm = z.object({ communities: z.string().max(200_000, 'validation.tooLong').default('') });
const communityParams = z.object({ id: recordId(), communityId: recordId() });
const renameForm = z.object({ name: z.string({ message: 'validation.required' }).trim().min(1, 'validation.required').max(64, 'validation.tooLong') });

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
  // One community: renamed (its workers follow), retired (merged or abolished) or restored.
  const one = validateParams(communityParams);
  const communityOf = (res: Parameters<OnInvalid>[1]) => paramsOf(res, communityParams).communityId;
  const back = (districtId: number) => `/reference/districts/${districtId}/communities`;
  router.post(
    '/reference/districts/:id/communities/:communityId/rename',
    rule('update', 'reference'),
    one,
    district.subject('update'),
    validateBody(renameForm, render),
    async (req, res) => {
      const d = district.of(res);
      const community = await communityRenamer(d.id, communityOf(res), bodyOf(res, renameForm).name, by(req));
      flash(req, 'success', 'reference.communities.flash.rename', { name: community.name });
      res.redirect(back(d.id));
    },
  );
  for (const [action, retire] of [
    ['retire', true],
    ['restore', false],
  ] as const) {
    router.post(
      `/reference/districts/:id/communities/:communityId/${action}`,
      rule('update', 'reference'),
      one,
      district.subject('update'),
      async (req, res) => {
        const d = district.of(res);
        const community = await communityRetirer(d.id, communityOf(res), retire, by(req));
        flash(req, 'success', `reference.communities.flash.${action}`, { name: community.name });
        res.redirect(back(d.id));
      },
    );
  }
  return router;
}
