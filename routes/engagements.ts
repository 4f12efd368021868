import { Router } from 'express';
import type { Config } from '../server/config.js';
import { claimCapsSetter } from '../server/commands/claims/claimCapsSetter.js';
import { engagementRecorder } from '../server/commands/claims/engagementRecorder.js';
import { engagementChanger, engagementRemover } from '../server/commands/claims/engagementEditor.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { CLAIM_RESOURCE, ENGAGEMENT_RESOURCE } from '../server/policies/claim.js';
import { CAPS_LABELS, capsFormValuesOf, loadClaimsContract } from '../server/presenters/claims.js';
import { engagementFormValuesOf, engagementsPage } from '../server/presenters/engagements.js';
import { capsEdit, engagementCorrectForm, engagementEndForm, engagementForm, engagementParams } from '../server/schemas/claims.js';
import { editing, idParams } from '../server/schemas/common.js';
import { PersonalDataCipher } from '../server/services/personal-data.js';
import { actorOf, bodyOf, by, langOf, paramsOf, staleEdit, subjectLoader } from './kit.js';

/** The contract in the path, through the claims scope (organisation: their own; staff: their district), else 404. */
const engagementContract = subjectLoader(ENGAGEMENT_RESOURCE, loadClaimsContract);
const capsContract = subjectLoader(CLAIM_RESOURCE, loadClaimsContract);
const contractOf = engagementContract.of;
const params = validateParams(idParams);

/** An engagement's end and correct forms under its optimistic lock; a stale save's notice labels the days as the page does. */
const endEdit = editing(engagementEndForm);
const correctEdit = editing(engagementCorrectForm);
const ENGAGEMENT_LABELS = { area: 'claims' };

const renderPage: OnInvalid = async (req, res, form) => {
  const c = contractOf(res);
  res.render('claims/engagements', {
    pageTitle: req.t('claims.engagementsTitle', { number: c.number }),
    ...(await engagementsPage(actorOf(req), c, langOf(req))),
    values: form.values,
    errors: form.errors,
  });
};

const renderCaps: OnInvalid = (req, res, form) => {
  const c = contractOf(res);
  res.render('claims/caps', {
    pageTitle: req.t('claims.capsTitle'),
    values: form.values,
    errors: form.errors,
    action: `/contracts/${c.id}/claim-caps`,
    contract: { number: c.number, href: `/contracts/${c.id}` },
  });
};

/** A contract's engagements of child workers (the organisation records them) and its own claim caps (its officers set them). */
export function engagementsRouter(config: Config): Router {
  const router = Router();
  const cipher = new PersonalDataCipher(config.dataKey);

  router.get('/contracts/:id/engagements', rule('list', ENGAGEMENT_RESOURCE), params, engagementContract.subject('list'), (req, res) =>
    renderPage(req, res, { values: {}, errors: {} }),
  );

  router.post(
    '/contracts/:id/engagements',
    rule('create', ENGAGEMENT_RESOURCE),
    params,
    engagementContract.subject('create'),
    validateBody(engagementForm, renderPage),
    async (req, res) => {
      const form = bodyOf(res, engagementForm);
      await engagementRecorder(
        contractOf(res).id,
        { idNumberIndex: cipher.index('idNumber', form.idNumber), startsOn: form.startsOn, endsOn: form.endsOn },
        by(req),
      );
      flash(req, 'success', 'claims.flash.engaged');
      res.redirect(`/contracts/${contractOf(res).id}/engagements`);
    },
  );

  const rowParams = validateParams(engagementParams);
  const engagementIdOf = (res: Parameters<OnInvalid>[1]) => paramsOf(res, engagementParams).engagementId;
  const backTo = (res: Parameters<OnInvalid>[1]) => `/contracts/${contractOf(res).id}/engagements`;

  router.post(
    '/contracts/:id/engagements/:engagementId/end',
    rule('update', ENGAGEMENT_RESOURCE),
    rowParams,
    engagementContract.subject('update'),
    staleEdit(engagementFormValuesOf, ENGAGEMENT_LABELS),
    validateBody(endEdit, renderPage),
    async (req, res) => {
      const { endsOn, _version } = bodyOf(res, endEdit);
      await engagementChanger(engagementIdOf(res), { kind: 'end', endsOn, _version }, by(req));
      flash(req, 'success', 'claims.flash.engagementEnded');
      res.redirect(backTo(res));
    },
  );

  router.post(
    '/contracts/:id/engagements/:engagementId/correct',
    rule('update', ENGAGEMENT_RESOURCE),
    rowParams,
    engagementContract.subject('update'),
    staleEdit(engagementFormValuesOf, ENGAGEMENT_LABELS),
    validateBody(correctEdit, renderPage),
    async (req, res) => {
      const form = bodyOf(res, correctEdit);
      await engagementChanger(engagementIdOf(res), { kind: 'correct', startsOn: form.startsOn, endsOn: form.endsOn, _version: form._version }, by(req));
      flash(req, 'success', 'claims.flash.engagementCorrected');
      res.redirect(backTo(res));
    },
  );

  router.post(
    '/contracts/:id/engagements/:engagementId/delete',
    rule('delete', ENGAGEMENT_RESOURCE),
    rowParams,
    engagementContract.subject('delete'),
    async (req, res) => {
      await engagementRemover(engagementIdOf(res), by(req));
      flash(req, 'success', 'claims.flash.engagementRemoved');
      res.redirect(backTo(res));
    },
  );

  router.get('/contracts/:id/claim-caps', rule('set_caps', CLAIM_RESOURCE), params, capsContract.subject('set_caps'), async (req, res) => {
    return renderCaps(req, res, { values: await capsFormValuesOf(contractOf(res).id), errors: {} });
  });

  router.post(
    '/contracts/:id/claim-caps',
    rule('set_caps', CLAIM_RESOURCE),
    params,
    capsContract.subject('set_caps'),
    staleEdit((current: { contractId: number | null }) => capsFormValuesOf(current.contractId), CAPS_LABELS),
    validateBody(capsEdit, renderCaps),
    async (req, res) => {
      await claimCapsSetter(contractOf(res).id, bodyOf(res, capsEdit), by(req));
      flash(req, 'success', 'claims.flash.caps');
      res.redirect(`/contracts/${contractOf(res).id}`);
    },
  );

  return router;
}
