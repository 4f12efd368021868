import { Op } from 'sequelize';
import { BudgetLine } from '../../models/BudgetLine.js';
import { Claim } from '../../models/Claim.js';
import type { Contract } from '../../models/Contract.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Instalment } from '../../models/Instalment.js';
import { lineIdsOfProject } from '../commands/contracts/contractFunding.js';
import { activationReadiness } from '../commands/contracts/contractReadiness.js';
import { openOnTermination, settlementField } from '../commands/contracts/contractSettlement.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { CONTRACT_RESOURCE } from '../policies/contract.js';
import { DELIVERABLE_RESOURCE } from '../policies/deliverable.js';
import { ALLOCATION_RESOURCE, BUDGET_LINE_RESOURCE } from '../policies/finance.js';
import { balance } from '../services/ledger.js';
import { formatFen } from '../services/money.js';
import { BUDGET_PATH } from './budget.js';
import { districtName, workerName } from './format.js';

type Link = { href: string; label: string } | null;

/**
 * A draft contract's activation checklist: each thing activation needs (activationReadiness, the
 * same list the activator refuses by), whether it is there, who provides what is missing and a
 * link where the actor may act; `ready` and the reasons the activate button is disabled.
 */
export async function activationChecklist(actor: Actor, c: Contract, lang: Lang) {
  const { t } = lang;
  const { items, funding } = await activationReadiness(c, await lineIdsOfProject(c.projectId));
  const district = districtName(c.district, lang);
  const edits = can(actor, 'update', CONTRACT_RESOURCE, c);
  const editLink: Link = edits ? { href: `/contracts/${c.id}/edit`, label: t('contracts.checklist.edit') } : null;
  const hasLines = (await BudgetLine.count({ where: { districtId: c.districtId, year: c.year } })) > 0;
  const shortFen = Math.max(0, funding.neededFen - funding.heldFen);
  const allocationLink: Link = can(actor, 'create', ALLOCATION_RESOURCE)
    ? { href: `/allocations/new?projectId=${c.projectId}&amount=${(shortFen / 100).toFixed(2)}`, label: t('contracts.checklist.requestAllocation') }
    : null;
  const money = {
    value: formatFen(funding.valueFen),
    ceiling: formatFen(funding.ceilingFen),
    needed: formatFen(funding.neededFen),
    held: formatFen(funding.heldFen),
    short: formatFen(shortFen),
    district,
  };
  const hintOf = (key: string): { hint: string; link: Link } => {
    switch (key) {
      case 'announcement':
      case 'signedFile':
        return { hint: t(`contracts.checklist.hints.${key}`), link: editLink };
      case 'allocations':
      case 'ceilingAllocations':
        if (!hasLines) {
          const link = can(actor, 'create', BUDGET_LINE_RESOURCE) ? { href: `${BUDGET_PATH}/new`, label: t('contracts.checklist.createBudgetLine') } : null;
          return { hint: t('contracts.checklist.hints.noBudgetLine', money), link };
        }
        return { hint: t(`contracts.checklist.hints.${key}`, money), link: allocationLink };
      case 'reportingSchedule':
        return {
          hint: t('contracts.checklist.hints.reportingSchedule'),
          link: can(actor, 'schedule', DELIVERABLE_RESOURCE, c) ? { href: `/contracts/${c.id}/reporting`, label: t('contracts.checklist.setReporting') } : null,
        };
      default:
        return { hint: t('contracts.checklist.hints.terms'), link: editLink };
    }
  };
  const rows = items.map((i) => ({
    key: i.key,
    label: t(`contracts.missing.${i.key}`),
    ok: i.ok,
    blocking: i.blocking,
    ...(i.ok ? { hint: '', link: null } : hintOf(i.key)),
  }));
  const missing = rows.filter((r) => r.blocking && !r.ok);
  return {
    rows,
    ready: missing.length === 0,
    disabledReason: missing.length ? t('contracts.checklist.disabled', { missing: missing.map((r) => r.label).join(t('punct.listSep')) }) : '',
    funding: money,
  };
}

/**
 * What terminating an active contract will do, for the form that asks for it (every open payment
 * with its pay/cancel choice, the claims that will be closed, the instalments that will be
 * cancelled, and how much goes back to the allocations if all the open payments are paid).
 */
export async function terminationPlan(c: Contract, lang: Lang) {
  const { t } = lang;
  const open = await openOnTermination(c.id);
  const instalmentIds = open.payments.map((p) => p.instalmentId).filter((id): id is number => id !== null);
  const [instalments, payingClaims, committedFen] = await Promise.all([
    Instalment.findAll({ where: { id: { [Op.in]: [...instalmentIds, -1] } }, attributes: ['id', 'seq', 'milestone'] }),
    Claim.findAll({ where: { paymentId: { [Op.in]: [...open.payments.map((p) => p.id), -1] } }, attributes: ['id', 'paymentId', 'month'] }),
    balance('contract_committed', c.id),
  ]);
  const workers = await ChildWorker.findAll({
    where: { id: { [Op.in]: [...open.claims.map((x) => x.childWorkerId), -1] } },
    attributes: ['id', 'name'],
  });
  const seqOf = new Map(instalments.map((i) => [i.id, i]));
  const claimOf = new Map(payingClaims.map((x) => [x.paymentId, x]));
  const workerNames = new Map(workers.map((w) => [w.id, workerName(w, t)]));
  const payments = open.payments.map((p) => {
    const instalment = p.instalmentId ? seqOf.get(p.instalmentId) : undefined;
    const claim = claimOf.get(p.id);
    return {
      id: p.id,
      field: settlementField(p.id),
      what: instalment
        ? t('contracts.termination.instalment', { seq: instalment.seq, milestone: instalment.milestone })
        : t('contracts.termination.claim', { id: claim?.id ?? '', month: claim?.month ?? '' }),
      amount: formatFen(p.amountFen),
      statusLabel: t(`payments.status.${p.status}`),
      href: claim ? `/claims/${claim.id}` : `/payments/contracts/${c.id}`,
    };
  });
  const openFen = open.payments.reduce((s, p) => s + p.amountFen, 0);
  return {
    payments,
    claims: open.claims.map((x) => ({
      id: x.id,
      label: t('contracts.termination.claimOf', { id: x.id, month: x.month, worker: workerNames.get(x.childWorkerId) ?? '' }),
      statusLabel: t(`claims.status.${x.status}`),
      total: formatFen(x.totalFen),
      href: `/claims/${x.id}`,
    })),
    instalments: open.instalments.map((i) => t('contracts.termination.instalment', { seq: i.seq, milestone: i.milestone })),
    releasedIfAllPaid: formatFen(Math.max(0, committedFen - openFen)),
    releasedIfAllCancelled: formatFen(committedFen),
  };
}

/** The next step of a contract in sight: a draft's activation checklist, an active one's termination plan. */
export async function contractNextSteps(actor: Actor, c: Contract, lang: Lang) {
  return {
    checklist: c.status === 'draft' ? await activationChecklist(actor, c, lang) : null,
    termination: c.status === 'active' && can(actor, 'terminate', CONTRACT_RESOURCE, c) ? await terminationPlan(c, lang) : null,
  };
}
