import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { CLAIM_TRANSITIONS, type Claim, Claim as ClaimModel, ClaimLine } from '../models/Claim.js';
import { StoredFile } from '../models/index.js';
import type { Config } from '../server/config.js';
import { claimCapsSetter } from '../server/commands/claims/claimCapsSetter.js';
import { claimCreator, claimLineAdder, claimLineRemover } from '../server/commands/claims/claimEditor.js';
import { claimLineSanctioner } from '../server/commands/claims/claimSanctioner.js';
import { claimApprover, claimDecider, claimSubmitter, claimVerifier } from '../server/commands/claims/claimWorkflow.js';
import { type By, checkTransition } from '../server/commands/kernel.js';
import { paymentPayer } from '../server/commands/payments/paymentPayer.js';
import { ConflictError, NotFoundError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { CLAIM_RESOURCE } from '../server/policies/claim.js';
import { claimTotals, claimTotalsPage, totalsExportColumns } from '../server/presenters/claim-totals.js';
import {
  CLAIMS_PATH,
  claimDetailPage,
  claimExportColumns,
  claimExportQuery,
  claimFormPage,
  claimFormValuesOf,
  CAPS_LABELS,
  capsFormValuesOf,
  claimListPage,
  claimQueuePage,
  loadClaim,
  loadClaimsContract,
} from '../server/presenters/claims.js';
import { claimStartPage, newClaimPage } from '../server/presenters/new-claim.js';
import { queueFilterQuery } from '../server/schemas/batches.js';
import { editing, fileQuery, idParams } from '../server/schemas/common.js';
import { paidForm } from '../server/schemas/payments.js';
import {
  capsEdit,
  claimLineForm,
  claimListQuery,
  claimTotalsQuery,
  fileParams,
  lineParams,
  lineRemovalForm,
  newClaimForm,
  newClaimQuery,
  reasonForm,
  sanctionForm,
  type ClaimListQuery,
} from '../server/schemas/claims.js';
import { inBatches } from '../server/services/export.js';
import { formatFen } from '../server/services/money.js';
import { sendStoredFile } from '../server/services/storage/download.js';
import { storeFor } from '../server/services/storage/index.js';
import { actorOf, auditedExport, by, bodyOf, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { claimStepConfirmation, paidConfirmation } from '../server/presenters/confirmations.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(CLAIM_RESOURCE, loadClaim);
const detailHref = (id: number) => `${CLAIMS_PATH}/${id}`;

/**
 * The claim's page; a refused form (line, reason, payment) shows again with its errors beside its
 * fields, and the receipt it carried, which was not kept, is asked for again. The line forms carry
 * the claim's version they were opened on (a refused form keeps the one it was sent with).
 */
const renderDetail: OnInvalid = async (req, res, form) => {
  const claim = await loadClaim(actorOf(req), subjectOf(res).id);
  res.render('claims/show', {
    pageTitle: req.t('claims.detailTitle', { id: claim.id }),
    ...(await claimDetailPage(actorOf(req), claim, langOf(req))),
    values: { ...(await claimFormValuesOf(claim)), ...form.values },
    errors: form.errors,
    chosenFiles: uploadsOf(res).map((u) => u.originalName),
  });
};
/** The line forms under the claim's optimistic lock, and how a stale save's notice labels them. */
const claimLineEdit = editing(claimLineForm);
const claimLineRemoval = editing(lineRemovalForm);
const claimSanction = editing(sanctionForm);
const CLAIM_LABELS = { area: 'claims' };
const capsOfStale = (current: { contractId: number | null }) => capsFormValuesOf(current.contractId);

const renderNew: OnInvalid = async (req, res, form) => {
  const contractId = Number(form.values.contractId ?? (req.query as { contractId?: string }).contractId) || 0;
  if (!contractId) {
    res.render('claims/start', {
      pageTitle: req.t('claims.newTitle'),
      ...(await claimStartPage(actorOf(req), langOf(req))),
      values: form.values,
      errors: form.errors,
    });
    return;
  }
  const contract = await loadClaimsContract(actorOf(req), contractId);
  res.render('claims/new', { pageTitle: req.t('claims.newTitle'), ...(await newClaimPage(contract, langOf(req))), values: form.values, errors: form.errors });
};

const renderCaps: OnInvalid = async (req, res, form) => {
  const values = Object.keys(form.values).length ? form.values : await capsFormValuesOf(null);
  res.render('claims/caps', { pageTitle: req.t('claims.capsTitle'), values, errors: form.errors, action: `${CLAIMS_PATH}/caps` });
};

async function exportClaims(req: Request, res: Response, query: ClaimListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', CLAIM_RESOURCE);
  const { status, month, districtId, organisationId, contractId, childWorkerId, contractText, organisationText, paidFrom, paidTo, workerKind } = query;
  const filter = { status, month, districtId, organisationId, contractId, childWorkerId, contractText, organisationText, paidFrom, paidTo, workerKind };
  const options = claimExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'claim.export',
    recordType: 'claim',
    format: query.format,
    filename: req.t('claims.exportFilename'),
    columns: claimExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(ClaimModel, options),
    count: await ClaimModel.count({ where: options.where }),
    detail: { filter },
  });
}

/** Claims (报销申请): organisations write and submit, officers verify, finance approves and pays; lists, queue, totals, printable form. */
export function claimsRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
  const id = validateParams(idParams);

  router.get(CLAIMS_PATH, rule('list', CLAIM_RESOURCE), listQuery(claimListQuery, CLAIMS_PATH), async (req, res) => {
    const query = queryOf(res, claimListQuery);
    if (query.format) return exportClaims(req, res, { ...query, format: query.format });
    res.render('claims/index', { pageTitle: req.t('claims.title'), list: await claimListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${CLAIMS_PATH}/queue`, rule('queue', CLAIM_RESOURCE), validateQuery(queueFilterQuery), async (req, res) => {
    res.render('claims/queue', {
      pageTitle: req.t('claims.queueTitle'),
      queue: await claimQueuePage(actorOf(req), queryOf(res, queueFilterQuery), langOf(req)),
    });
  });

  router.get(`${CLAIMS_PATH}/totals`, rule('totals', CLAIM_RESOURCE), validateQuery(claimTotalsQuery), async (req, res) => {
    const query = queryOf(res, claimTotalsQuery);
    if (query.format) {
      authorize(req.user, 'export', CLAIM_RESOURCE);
      const rows = await claimTotals(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'claim.export',
        recordType: 'claim',
        format: query.format,
        filename: req.t('claims.totalsFilename'),
        columns: totalsExportColumns(langOf(req)),
        rows,
        count: rows.length,
        detail: { totals: true, year: query.year ?? null, districtId: query.districtId ?? null },
      });
      return;
    }
    res.render('claims/totals', { pageTitle: req.t('claims.totalsTitle'), totals: await claimTotalsPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${CLAIMS_PATH}/caps`, rule('set_default_caps', CLAIM_RESOURCE), (req, res) => renderCaps(req, res, { values: {}, errors: {} }));

  router.post(
    `${CLAIMS_PATH}/caps`,
    rule('set_default_caps', CLAIM_RESOURCE),
    staleEdit(capsOfStale, CAPS_LABELS),
    validateBody(capsEdit, renderCaps),
    async (req, res) => {
      await claimCapsSetter(null, bodyOf(res, capsEdit), by(req));
      flash(req, 'success', 'claims.flash.caps');
      res.redirect(`${CLAIMS_PATH}/caps`);
    },
  );

  router.get(`${CLAIMS_PATH}/new`, rule('create', CLAIM_RESOURCE), validateQuery(newClaimQuery), async (req, res) => {
    const { contractId } = queryOf(res, newClaimQuery);
    if (!contractId) return renderNew(req, res, { values: {}, errors: {} });
    const contract = await loadClaimsContract(actorOf(req), contractId);
    authorize(req.user, 'create', CLAIM_RESOURCE, contract);
    if (contract.status !== 'active') throw new ConflictError('claims.errors.contractNotActive', { status: contract.status });
    return renderNew(req, res, { values: { contractId: contract.id }, errors: {} });
  });

  router.post(CLAIMS_PATH, rule('create', CLAIM_RESOURCE), validateBody(newClaimForm, renderNew), async (req, res) => {
    const claim = await claimCreator(bodyOf(res, newClaimForm), by(req));
    flash(req, 'success', 'claims.flash.created', { id: claim.id });
    res.redirect(detailHref(claim.id));
  });

  router.get(`${CLAIMS_PATH}/:id`, rule('read', CLAIM_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res, { values: {}, errors: {} }));

  router.get(`${CLAIMS_PATH}/:id/form`, rule('form', CLAIM_RESOURCE), id, subject('form'), async (req, res) => {
    res.render('claims/form', { pageTitle: req.t('claims.formTitle'), ...(await claimFormPage(subjectOf(res), langOf(req))) });
  });

  router.get(
    `${CLAIMS_PATH}/:id/receipts/:fileId`,
    rule('read', CLAIM_RESOURCE),
    validateParams(fileParams),
    validateQuery(fileQuery),
    subject('read'),
    async (_req, res) => {
      const { fileId } = paramsOf(res, fileParams);
      const line = await ClaimLine.findOne({ where: { claimId: subjectOf(res).id, receiptFileId: fileId }, attributes: ['id'] });
      const file = line ? await StoredFile.findByPk(fileId) : null;
      if (!file) throw new NotFoundError();
      await sendStoredFile(res, file, store, { inline: queryOf(res, fileQuery).inline === '1' });
    },
  );

  router.post(
    `${CLAIMS_PATH}/:id/lines`,
    rule('edit', CLAIM_RESOURCE),
    id,
    subject('edit'),
    upload('receipt', 'receipt', store, { onInvalid: renderDetail }),
    staleEdit(claimFormValuesOf, CLAIM_LABELS),
    validateBody(claimLineEdit, renderDetail),
    async (req, res) => {
      await claimLineAdder(subjectOf(res).id, bodyOf(res, claimLineEdit), uploadsOf(res), by(req));
      flash(req, 'success', 'claims.flash.lineAdded');
      res.redirect(detailHref(subjectOf(res).id));
    },
  );

  router.post(
    `${CLAIMS_PATH}/:id/lines/:lineId/delete`,
    rule('edit', CLAIM_RESOURCE),
    validateParams(lineParams),
    subject('edit'),
    staleEdit(claimFormValuesOf, CLAIM_LABELS),
    validateBody(claimLineRemoval, renderDetail),
    async (req, res) => {
      await claimLineRemover(subjectOf(res).id, paramsOf(res, lineParams).lineId, by(req), bodyOf(res, claimLineRemoval));
      flash(req, 'success', 'claims.flash.lineRemoved');
      res.redirect(detailHref(subjectOf(res).id));
    },
  );

  // Submitting (no more changes) and approving (money committed) ask for a second look; verifying does not.
  const second = (action: 'submit' | 'verify' | 'approve'): RequestHandler[] =>
    action === 'verify' ? [] : [confirmFirst((req, res) => claimStepConfirmation(subjectOf(res), action, langOf(req)))];
  const step = (action: 'submit' | 'verify' | 'approve', command: (claimId: number, b: By) => Promise<Claim>) =>
    router.post(`${CLAIMS_PATH}/:id/${action}`, rule(action, CLAIM_RESOURCE), id, subject(action), ...second(action), async (req, res) => {
      // A submission the rules refuse shows the claim again with the errors beside its lines.
      res.locals.onInvalid = renderDetail;
      const claim = await command(subjectOf(res).id, by(req));
      flash(req, 'success', `claims.flash.${action}`, { id: claim.id });
      res.redirect(detailHref(claim.id));
    });
  step('submit', claimSubmitter);
  step('verify', claimVerifier);
  step('approve', claimApprover);

  // Partial sanction: the verifier or the approver lowers a line, with a reason the organisation sees.
  router.post(
    `${CLAIMS_PATH}/:id/sanction`,
    rule('sanction', CLAIM_RESOURCE),
    id,
    subject('sanction'),
    staleEdit(claimFormValuesOf, CLAIM_LABELS),
    validateBody(claimSanction, renderDetail),
    async (req, res) => {
      const { claim } = await claimLineSanctioner(subjectOf(res).id, bodyOf(res, claimSanction), by(req));
      flash(req, 'success', 'claims.flash.sanction', { id: claim.id, total: formatFen(claim.totalFen) });
      res.redirect(detailHref(claim.id));
    },
  );

  for (const action of ['return', 'reject'] as const) {
    router.post(`${CLAIMS_PATH}/:id/${action}`, rule(action, CLAIM_RESOURCE), id, subject(action), validateBody(reasonForm, renderDetail), async (req, res) => {
      const claim = await claimDecider(subjectOf(res).id, action, bodyOf(res, reasonForm).reason, by(req));
      flash(req, 'success', `claims.flash.${action}`, { id: claim.id });
      res.redirect(detailHref(claim.id));
    });
  }

  router.post(
    `${CLAIMS_PATH}/:id/pay`,
    rule('pay', CLAIM_RESOURCE),
    id,
    subject('pay'),
    validateBody(paidForm, renderDetail),
    confirmFirst((req, res) => {
      const c = subjectOf(res);
      return paidConfirmation(
        { id: c.paymentId ?? 0, amountFen: c.totalFen, organisationId: c.organisationId },
        bodyOf(res, paidForm),
        detailHref(c.id),
        langOf(req),
      );
    }),
    async (req, res) => {
      const claim = subjectOf(res);
      checkTransition('claims', CLAIM_TRANSITIONS, claim, 'pay');
      if (!claim.paymentId) throw new ConflictError('claims.errors.cannot.pay', { status: claim.status });
      await paymentPayer(claim.paymentId, bodyOf(res, paidForm), by(req));
      flash(req, 'success', 'claims.flash.pay', { id: claim.id });
      res.redirect(detailHref(claim.id));
    },
  );

  return router;
}
