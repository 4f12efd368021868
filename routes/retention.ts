import { type Request, type Response, Router } from 'express';
import { retentionHoldLifter, retentionHoldPlacer, retentionRulesSaver } from '../server/commands/retention/retentionRules.js';
import type { Config } from '../server/config.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { PERSONAL_DATA_RESOURCE, RETENTION_RESOURCE } from '../server/policies/retention.js';
import { loadContract } from '../server/presenters/contracts.js';
import {
  auditPersonalDataDownload,
  holdLiftConfirmation,
  personalDataEntries,
  personalDataFilename,
  personalDataManifest,
  RETENTION_PATH,
  retentionPage,
} from '../server/presenters/retention.js';
import { idParams } from '../server/schemas/common.js';
import { retentionHoldForm, retentionRulesForm, retentionRulesOf } from '../server/schemas/retention.js';
import { writeZip } from '../server/services/dossier/zip-writer.js';
import { storeFor } from '../server/services/storage/index.js';
import { contentDisposition } from '../server/services/storage/download.js';
import { bodyOf, by, idOf, langOf, subjectLoader } from './kit.js';

type Form = Parameters<OnInvalid>[2];

async function render(req: Request, res: Response, rules: Form | null, hold: Form | null): Promise<void> {
  const view = await retentionPage(langOf(req), rules, hold);
  res.render('admin/retention', { pageTitle: req.t('retention.title'), view });
}
const renderRules: OnInvalid = (req, res, form) => render(req, res, form, null);
const renderHold: OnInvalid = (req, res, form) => render(req, res, null, form);

const { subject, of: contractOf } = subjectLoader(PERSONAL_DATA_RESOURCE, loadContract);

/**
 * Retention of personal data (#20): the administrator's page (periods, what is due, held and done;
 * legal holds placed and lifted) and the organisation's download of its contract's personal data.
 */
export function retentionRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
  router.get(RETENTION_PATH, rule('read', RETENTION_RESOURCE), (req, res) => render(req, res, null, null));
  router.post(RETENTION_PATH, rule('update', RETENTION_RESOURCE), validateBody(retentionRulesForm, renderRules), async (req, res) => {
    const changed = await retentionRulesSaver(retentionRulesOf(bodyOf(res, retentionRulesForm)), by(req));
    flash(req, 'success', changed ? 'retention.saved' : 'retention.unchanged');
    res.redirect(303, RETENTION_PATH);
  });
  router.post(`${RETENTION_PATH}/holds`, rule('hold', RETENTION_RESOURCE), validateBody(retentionHoldForm, renderHold), async (req, res) => {
    const contract = await retentionHoldPlacer(bodyOf(res, retentionHoldForm), by(req));
    flash(req, 'success', 'retention.placed', { number: contract.number });
    res.redirect(303, `${RETENTION_PATH}#held`);
  });
  router.post(
    `${RETENTION_PATH}/holds/:id/release`,
    rule('release', RETENTION_RESOURCE),
    validateParams(idParams),
    confirmFirst((req, res) => holdLiftConfirmation(idOf(res), langOf(req))),
    async (req, res) => {
      await retentionHoldLifter(idOf(res), by(req));
      flash(req, 'success', 'retention.released');
      res.redirect(303, `${RETENTION_PATH}#held`);
    },
  );

  router.get('/contracts/:id/personal-data.zip', rule('download', PERSONAL_DATA_RESOURCE), validateParams(idParams), subject('download'), async (req, res) => {
    const contract = contractOf(res);
    await auditPersonalDataDownload(contract, by(req));
    res.status(200).set({
      'Content-Type': 'application/zip',
      'Content-Disposition': contentDisposition(personalDataFilename(contract, langOf(req))),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
    await writeZip(res, personalDataEntries(contract, store, langOf(req)), async (rows) => personalDataManifest(contract, rows));
  });
  return router;
}
