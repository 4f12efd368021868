import type { Request, Response } from 'express';
import { contractRetention } from '../server/presenters/retention.js';
import { Router } from 'express';
import { CONTRACT_TRANSITIONS, Contract, DOCUMENT_COLUMN } from '../models/Contract.js';
import { StoredFile } from '../models/StoredFile.js';
import { ActivationRefusedError, contractActivator } from '../server/commands/contracts/contractActivator.js';
import { contractAmender } from '../server/commands/contracts/contractAmender.js';
import { contractCompleter } from '../server/commands/contracts/contractCompleter.js';
import { checkAwarded, contractCreator } from '../server/commands/contracts/contractCreator.js';
import { contractDocumentAttacher } from '../server/commands/contracts/contractDocumentAttacher.js';
import { contractTerminator } from '../server/commands/contracts/contractTerminator.js';
import { contractUpdater } from '../server/commands/contracts/contractUpdater.js';
import type { Config } from '../server/config.js';
import { NotFoundError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { checkTransition } from '../server/commands/kernel.js';
import { CONTRACT_RESOURCE } from '../server/policies/contract.js';
import { authorize } from '../server/policies/index.js';
import {
  amendmentScheduleNote,
  CONTRACTS_PATH,
  contractDetailPage,
  contractExportColumns,
  contractExportQuery,
  contractFormOptions,
  contractFormValuesOf,
  contractListPage,
  loadContract,
} from '../server/presenters/contracts.js';
import { contractEvaluationsSection } from '../server/presenters/evaluation-admin.js';
import { contractDeliverablesSection } from '../server/presenters/deliverables.js';
import { loadProject } from '../server/presenters/projects.js';
import {
  amendmentEditForm,
  type ContractListQuery,
  contractDocumentParams,
  contractEditForm,
  contractForm,
  contractListQuery,
  newContractQuery,
  terminateForm,
} from '../server/schemas/contracts.js';
import { idParams } from '../server/schemas/common.js';
import { inBatches } from '../server/services/export.js';
import { sendStoredFile } from '../server/services/storage/download.js';
import { contractClaimsSection } from '../server/presenters/claim-contract-section.js';
import { contractNextSteps } from '../server/presenters/contract-readiness.js';
import { storeFor } from '../server/services/storage/index.js';
import { actorOf, auditedExport, bodyOf, by, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { activationConfirmation } from '../server/presenters/confirmations.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(CONTRACT_RESOURCE, loadContract);
const detailHref = (id: number) => `${CONTRACTS_PATH}/${id}`;
type Form = Parameters<OnInvalid>[2];
/** How a stale save's notice labels the contract form's fields (routes/kit.ts staleEdit). */
const CONTRACT_LABELS = {
  area: 'contracts',
  keys: {
    reimbursementCeiling: 'contracts.fields.ceilingYuan',
    figure: 'contracts.fields.amount',
    due: 'contracts.fields.dueOn',
    count: 'contracts.fields.targetCount',
    scheduleMode: 'contracts.form.mode',
    reason: 'contracts.fields.amendReason',
  },
  choices: async (req: Request) => {
    const options = await contractFormOptions(langOf(req));
    return { category: options.categories, scheduleMode: options.modes };
  },
};
const EMPTY: Form = { values: {}, errors: {} };

async function renderForm(req: Request, res: Response, form: Form, mode: 'new' | 'edit' | 'amend'): Promise<void> {
  const contract = mode === 'new' ? null : subjectOf(res);
  const projectId = Number((req.query as { projectId?: string }).projectId ?? form.values.projectId) || 0;
  res.render('contracts/form', {
    pageTitle: req.t(`contracts.${mode}Title`, { number: contract?.number ?? '' }),
    mode,
    action: mode === 'new' ? `${CONTRACTS_PATH}?projectId=${projectId}` : mode === 'edit' ? detailHref(contract!.id) : `${detailHref(contract!.id)}/amend`,
    cancelHref: contract ? detailHref(contract.id) : `/projects/${projectId}`,
    values: form.values,
    errors: form.errors,
    options: await contractFormOptions(langOf(req), { contract, projectId }),
    scheduleNote: mode === 'amend' ? await amendmentScheduleNote(contract!, langOf(req)) : null,
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form, 'new');
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, 'edit');
const renderAmend: OnInvalid = (req, res, form) => renderForm(req, res, form, 'amend');

async function renderDetail(req: Request, res: Response, terminate: Form = EMPTY, documents: Form = EMPTY, refusal = ''): Promise<void> {
  const contract = subjectOf(res);
  res.render('contracts/show', {
    pageTitle: contract.number,
    ...(await contractDetailPage(actorOf(req), contract, langOf(req))),
    ...(await contractNextSteps(actorOf(req), contract, langOf(req))),
    refusal,
    evaluations: await contractEvaluationsSection(actorOf(req), contract, langOf(req)),
    claimsSection: await contractClaimsSection(actorOf(req), contract, langOf(req)),
    terminateForm: terminate,
    documentForm: documents,
    deliverables: await contractDeliverablesSection(actorOf(req), contract, langOf(req)),
    retention: await contractRetention(actorOf(req), contract, langOf(req)),
  });
}
const renderDocumentInvalid: OnInvalid = (req, res, form) => renderDetail(req, res, EMPTY, form);
const renderTerminate: OnInvalid = (req, res, form) => renderDetail(req, res, form);

async function exportContracts(req: Request, res: Response, query: ContractListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(actorOf(req), 'export', CONTRACT_RESOURCE);
  const filter = {
    year: query.year,
    districtId: query.districtId,
    organisationId: query.organisationId,
    organisationText: query.organisationText,
    status: query.status,
    method: query.method,
    ending: query.ending,
  };
  const options = contractExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'contract.export',
    recordType: 'contract',
    format: query.format,
    filename: req.t('contracts.exportFilename'),
    columns: contractExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(Contract, options),
    count: await Contract.count({ where: options.where }),
    detail: { filter },
  });
}

/** Contracts: list and export; officers write drafts for awarded projects, activate, amend and terminate. */
export function contractsRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
  const id = validateParams(idParams);

  router.get(CONTRACTS_PATH, rule('list', CONTRACT_RESOURCE), listQuery(contractListQuery, CONTRACTS_PATH), async (req, res) => {
    const query = queryOf(res, contractListQuery);
    if (query.format) return exportContracts(req, res, { ...query, format: query.format });
    res.render('contracts/index', { pageTitle: req.t('contracts.title'), list: await contractListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${CONTRACTS_PATH}/new`, rule('create', CONTRACT_RESOURCE), validateQuery(newContractQuery), async (req, res) => {
    const project = await loadProject(actorOf(req), queryOf(res, newContractQuery).projectId);
    checkAwarded(project);
    return renderNew(req, res, { values: { scheduleMode: 'percent', termStart: '', termEnd: '' }, errors: {} });
  });

  router.post(CONTRACTS_PATH, rule('create', CONTRACT_RESOURCE), validateQuery(newContractQuery), validateBody(contractForm, renderNew), async (req, res) => {
    const contract = await contractCreator(queryOf(res, newContractQuery).projectId, bodyOf(res, contractForm), by(req));
    flash(req, 'success', 'contracts.flash.created', { number: contract.number });
    res.redirect(detailHref(contract.id));
  });

  router.get(`${CONTRACTS_PATH}/:id`, rule('read', CONTRACT_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res));

  router.get(`${CONTRACTS_PATH}/:id/edit`, rule('update', CONTRACT_RESOURCE), id, subject('update'), async (req, res) => {
    checkTransition('contracts', CONTRACT_TRANSITIONS, subjectOf(res), 'edit');
    return renderEdit(req, res, { values: await contractFormValuesOf(subjectOf(res)), errors: {} });
  });

  router.post(
    `${CONTRACTS_PATH}/:id`,
    rule('update', CONTRACT_RESOURCE),
    id,
    subject('update'),
    staleEdit(contractFormValuesOf, CONTRACT_LABELS),
    validateBody(contractEditForm, renderEdit),
    async (req, res) => {
      const contract = await contractUpdater(subjectOf(res).id, bodyOf(res, contractEditForm), by(req));
      flash(req, 'success', 'contracts.flash.updated', { number: contract.number });
      res.redirect(detailHref(contract.id));
    },
  );

  router.post(
    `${CONTRACTS_PATH}/:id/activate`,
    rule('activate', CONTRACT_RESOURCE),
    id,
    subject('activate'),
    confirmFirst((req, res) => activationConfirmation(subjectOf(res), langOf(req))),
    async (req, res) => {
      try {
        await contractActivator(subjectOf(res).id, by(req));
      } catch (e) {
        if (!(e instanceof ActivationRefusedError)) throw e;
        // Refused on the contract's own page, beside its checklist (a reload shows the page, not a 404).
        res.status(409);
        return renderDetail(
          req,
          res,
          EMPTY,
          EMPTY,
          req.t('contracts.errors.activationRefused', { missing: e.reasons.map((r) => req.t(r)).join(req.t('punct.listSep')) }),
        );
      }
      flash(req, 'success', 'contracts.flash.activated', { number: subjectOf(res).number });
      res.redirect(detailHref(subjectOf(res).id));
    },
  );

  router.post(`${CONTRACTS_PATH}/:id/complete`, rule('complete', CONTRACT_RESOURCE), id, subject('complete'), async (req, res) => {
    await contractCompleter(subjectOf(res).id, by(req));
    flash(req, 'success', 'contracts.flash.completed', { number: subjectOf(res).number });
    res.redirect(detailHref(subjectOf(res).id));
  });

  router.get(`${CONTRACTS_PATH}/:id/amend`, rule('amend', CONTRACT_RESOURCE), id, subject('amend'), async (req, res) => {
    checkTransition('contracts', CONTRACT_TRANSITIONS, subjectOf(res), 'amend');
    return renderAmend(req, res, { values: await contractFormValuesOf(subjectOf(res)), errors: {} });
  });

  router.post(
    `${CONTRACTS_PATH}/:id/amend`,
    rule('amend', CONTRACT_RESOURCE),
    id,
    subject('amend'),
    staleEdit(contractFormValuesOf, CONTRACT_LABELS),
    validateBody(amendmentEditForm, renderAmend),
    async (req, res) => {
      await contractAmender(subjectOf(res).id, bodyOf(res, amendmentEditForm), by(req));
      flash(req, 'success', 'contracts.flash.amended', { number: subjectOf(res).number });
      res.redirect(detailHref(subjectOf(res).id));
    },
  );

  router.post(
    `${CONTRACTS_PATH}/:id/terminate`,
    rule('terminate', CONTRACT_RESOURCE),
    id,
    subject('terminate'),
    validateBody(terminateForm, renderTerminate),
    async (req, res) => {
      const form = bodyOf(res, terminateForm);
      await contractTerminator(subjectOf(res).id, form.reason, by(req), form.decisions);
      flash(req, 'success', 'contracts.flash.terminated', { number: subjectOf(res).number });
      res.redirect(detailHref(subjectOf(res).id));
    },
  );

  router.post(
    `${CONTRACTS_PATH}/:id/documents/:which`,
    rule('update', CONTRACT_RESOURCE),
    validateParams(contractDocumentParams),
    subject('update'),
    upload('contract_document', 'file', store, { onInvalid: renderDocumentInvalid }),
    async (req, res) => {
      const { which } = paramsOf(res, contractDocumentParams);
      await contractDocumentAttacher(subjectOf(res).id, which, uploadsOf(res), by(req));
      flash(req, 'success', 'contracts.flash.documentAttached');
      res.redirect(detailHref(subjectOf(res).id));
    },
  );

  router.get(
    `${CONTRACTS_PATH}/:id/documents/:which`,
    rule('read', CONTRACT_RESOURCE),
    validateParams(contractDocumentParams),
    subject('read'),
    async (_req, res) => {
      const fileId = subjectOf(res)[DOCUMENT_COLUMN[paramsOf(res, contractDocumentParams).which]];
      const file = fileId ? await StoredFile.findByPk(fileId) : null;
      if (!file) throw new NotFoundError();
      await sendStoredFile(res, file, store);
    },
  );

  return router;
}
