import { Router } from 'express';
import type { Config } from '../server/config.js';
import { capsOf } from '../server/commands/claims/claimCaps.js';
import { claimCapsSetter } from '../server/commands/claims/claimCapsSetter.js';
import { engagementRecorder } from '../server/commands/claims/engagementRecorder.js';
import { engagementChanger, engagementRemover } from '../server/commands/claims/engagementEditor.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { CLAIM_RESOURCE, ENGAGEMENT_RESOURCE } from '../server/policies/claim.js';
import { loadClaimsContract } from '../server/presenters/claims.js';
import { engagementsPage } from '../server/presenters/engagements.js';
import { capsForm, engagementCorrectForm, engagementEndForm, engagementForm, engagementParams } from '../server/schemas/claims.js';
import { idParams } from '../server/schemas/common.js';
import { fenToInput } from '../server/services/money.js';
import { PersonalDataCipher } from '../server/services/personal-data.js';
import { actorOf, bodyOf, by, langOf, paramsOf, subjectLoader } from './kit.js';

/** The contract in the path, through the claims scope (organisation: their own; staff: their district), else 404. */
const engagementContract = subjectLoader(ENGAGEMENT_RESOURCE, loadClaimsContract);
const capsContract = subjectLoader(CLAIM_RESOURCE, loadClaimsContract);
const contractOf = engagementContract.of;
const params = validateParams(idParams);

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
    validateBody(engagementEndForm, renderPage),
    async (req, res) => {
      await engagementChanger(engagementIdOf(res), { kind: 'end', endsOn: bodyOf(res, engagementEndForm).endsOn }, by(req));
      flash(req, 'success', 'claims.flash.engagementEnded');
      res.redirect(backTo(res));
    },
  );

  router.post(
    '/contracts/:id/engagements/:engagementId/correct',
    rule('update', ENGAGEMENT_RESOURCE),
    rowParams,
    engagementContract.subject('update'),
    validateBody(engagementCorrectForm, renderPage),
    async (req, res) => {
      const form = bodyOf(res, engagementCorrectForm);
      await engagementChanger(engagementIdOf(res), { kind: 'correct', startsOn: form.startsOn, endsOn: form.endsOn }, by(req));
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
    const caps = await capsOf(contractOf(res).id);
    return renderCaps(req, res, { values: { transport: fenToInput(caps.transport), communication: fenToInput(caps.communication) }, errors: {} });
  });

  router.post(
    '/contracts/:id/claim-caps',
    rule('set_caps', CLAIM_RESOURCE),
    params,
    capsContract.subject('set_caps'),
    validateBody(capsForm, renderCaps),
    async (req, res) => {
      await claimCapsSetter(contractOf(res).id, bodyOf(res, capsForm), by(req));
      flash(req, 'success', 'claims.flash.caps');
      res.redirect(`/contracts/${contractOf(res).id}`);
    },
  );

  return router;
}
