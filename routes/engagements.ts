import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { Contract } from '../models/Contract.js';
import type { Config } from '../server/config.js';
import { claimCapsSetter } from '../server/commands/claims/claimCapsSetter.js';
import { capsOf } from '../server/commands/claims/claimCaps.js';
import { engagementRecorder } from '../server/commands/claims/engagementRecorder.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { CLAIM_RESOURCE, ENGAGEMENT_RESOURCE } from '../server/policies/claim.js';
import { loadClaimsContract } from '../server/presenters/claims.js';
import { engagementsPage } from '../server/presenters/engagements.js';
import type { Lang } from '../server/i18n/index.js';
import { type CapsForm, capsForm, type EngagementForm, engagementForm } from '../server/schemas/claims.js';
import { fenToInput } from '../server/services/money.js';
import { PersonalDataCipher } from '../server/services/personal-data.js';

const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });
const by = (req: Request) => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });
const contractOf = (res: Response) => res.locals.subject as Contract;
const params = validateParams(z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }));

/** Loads the contract in the path through the claims scope (organisation: their own; staff: their district), else 404; checks `action`. */
function contract(action: string, resource: string): RequestHandler {
  return async (req, res, next) => {
    const c = await loadClaimsContract(req.user!, (res.locals.params as { id: number }).id);
    authorize(req.user, action, resource, c);
    res.locals.subject = c;
    next();
  };
}

const renderPage: OnInvalid = async (req, res, form) => {
  const c = contractOf(res);
  res.render('claims/engagements', {
    pageTitle: req.t('claims.engagementsTitle', { number: c.number }),
    ...(await engagementsPage(req.user!, c, langOf(req))),
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

  router.get('/contracts/:id/engagements', rule('list', ENGAGEMENT_RESOURCE), params, contract('list', ENGAGEMENT_RESOURCE), (req, res) =>
    renderPage(req, res, { values: {}, errors: {} }),
  );

  router.post(
    '/contracts/:id/engagements',
    rule('create', ENGAGEMENT_RESOURCE),
    params,
    contract('create', ENGAGEMENT_RESOURCE),
    validateBody(engagementForm, renderPage),
    async (req, res) => {
      const form = res.locals.body as EngagementForm;
      await engagementRecorder(
        contractOf(res).id,
        { idNumberIndex: cipher.index('idNumber', form.idNumber), startsOn: form.startsOn, endsOn: form.endsOn },
        by(req),
      );
      flash(req, 'success', 'claims.flash.engaged');
      res.redirect(`/contracts/${contractOf(res).id}/engagements`);
    },
  );

  router.get('/contracts/:id/claim-caps', rule('set_caps', CLAIM_RESOURCE), params, contract('set_caps', CLAIM_RESOURCE), async (req, res) => {
    const caps = await capsOf(contractOf(res).id);
    return renderCaps(req, res, { values: { transport: fenToInput(caps.transport), communication: fenToInput(caps.communication) }, errors: {} });
  });

  router.post(
    '/contracts/:id/claim-caps',
    rule('set_caps', CLAIM_RESOURCE),
    params,
    contract('set_caps', CLAIM_RESOURCE),
    validateBody(capsForm, renderCaps),
    async (req, res) => {
      await claimCapsSetter(contractOf(res).id, res.locals.body as CapsForm, by(req));
      flash(req, 'success', 'claims.flash.caps');
      res.redirect(`/contracts/${contractOf(res).id}`);
    },
  );

  return router;
}
