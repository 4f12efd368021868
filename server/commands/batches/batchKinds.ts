import { Op, type WhereOptions } from 'sequelize';
import { Allocation } from '../../../models/Allocation.js';
import type { BatchKind } from '../../../models/Batch.js';
import { Claim } from '../../../models/Claim.js';
import { Payment } from '../../../models/Payment.js';
import type { Actor } from '../../policies/index.js';
import { claimQueueWhere, claimScope } from '../../policies/claim.js';
import { allocationQueueWhere, allocationScope } from '../../policies/finance.js';
import { approvalQueueWhere, paymentScope } from '../../policies/payment.js';
import { claimApprover, claimVerifier } from '../claims/claimWorkflow.js';
import { allocationApprover } from '../finance/allocationApprover.js';
import type { By } from '../kernel.js';
import { paymentApprover } from '../payments/paymentApprover.js';

/** The most items one batch decides: the confirmation carries their ids, and the page lists them. */
export const MAX_BATCH_ITEMS = 1000;

/** A queue's filter, as its page offers it: each kind applies what it knows of it. */
export type QueueFilter = { districtId?: number; organisationId?: number; month?: string; paymentKind?: 'instalment' | 'claim' };

type QueueModel = typeof Claim | typeof Payment | typeof Allocation;

type KindSpec = {
  recordType: 'claim' | 'payment' | 'allocation';
  model: QueueModel;
  amountColumn: 'totalFen' | 'amountFen';
  /** The queue of `actor` narrowed by `filter`: the rows a page lists and "all matching" takes. */
  where: (actor: Actor, filter: QueueFilter) => WhereOptions;
  /** What the actor may see at all: a chosen id outside it is not taken. */
  scope: (actor: Actor) => WhereOptions;
  order: [string, 'ASC'][];
  /** The single action's command: a batch has no rules of its own. */
  decide: (id: number, by: By) => Promise<unknown>;
};

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));

const claimWhere = (actor: Actor, f: QueueFilter): WhereOptions => ({
  [Op.and]: [claimQueueWhere(actor), defined({ districtId: f.districtId, organisationId: f.organisationId, month: f.month })],
});

/**
 * The kinds of batch decision, each tied to its queue and to the command of the single action
 * (the same rules, locks, ledger movements and audit events as one click on the record's page).
 */
export const BATCH_KIND_SPECS: Record<BatchKind, KindSpec> = {
  'claim-verify': {
    recordType: 'claim',
    model: Claim,
    amountColumn: 'totalFen',
    where: claimWhere,
    scope: claimScope,
    order: [
      ['updatedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    decide: claimVerifier,
  },
  'claim-approve': {
    recordType: 'claim',
    model: Claim,
    amountColumn: 'totalFen',
    where: claimWhere,
    scope: claimScope,
    order: [
      ['updatedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    decide: claimApprover,
  },
  'payment-approve': {
    recordType: 'payment',
    model: Payment,
    amountColumn: 'amountFen',
    where: (actor, f) => ({
      [Op.and]: [approvalQueueWhere(actor), defined({ districtId: f.districtId, organisationId: f.organisationId, kind: f.paymentKind })],
    }),
    scope: paymentScope,
    order: [
      ['requestedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    decide: paymentApprover,
  },
  'allocation-approve': {
    recordType: 'allocation',
    model: Allocation,
    amountColumn: 'amountFen',
    where: (actor, f) => ({ [Op.and]: [allocationQueueWhere(actor), defined({ districtId: f.districtId })] }),
    scope: allocationScope,
    order: [
      ['submittedAt', 'ASC'],
      ['id', 'ASC'],
    ],
    decide: (id, by) => allocationApprover(id, by),
  },
};

export type Candidate = { id: number; amountFen: number };

/**
 * Every row of the actor's queue of `kind` matching `filter`, in the queue's order, with its
 * amount: what "all matching the filter" takes. At most MAX_BATCH_ITEMS + 1 are read, so the
 * caller can say when a filter matches too many.
 */
export function queueCandidates(kind: BatchKind, actor: Actor, filter: QueueFilter): Promise<Candidate[]> {
  return candidatesWhere(kind, BATCH_KIND_SPECS[kind].where(actor, filter));
}

/**
 * The chosen ids the actor may see, with their amounts, in the queue's order. They need not be in
 * the queue any more (another batch or a colleague may have decided them since the page was
 * read): the command then refuses that item and says why.
 */
export function chosenCandidates(kind: BatchKind, actor: Actor, ids: readonly number[]): Promise<Candidate[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return candidatesWhere(kind, { [Op.and]: [BATCH_KIND_SPECS[kind].scope(actor), { id: { [Op.in]: [...new Set(ids)] } }] });
}

async function candidatesWhere(kind: BatchKind, where: WhereOptions): Promise<Candidate[]> {
  const spec = BATCH_KIND_SPECS[kind];
  const rows = (await (spec.model as typeof Claim).findAll({
    where,
    attributes: ['id', spec.amountColumn],
    order: spec.order as never,
    limit: MAX_BATCH_ITEMS + 1,
    raw: true,
  })) as unknown as Record<string, number | string>[];
  return rows.map((r) => ({ id: Number(r.id), amountFen: Number(r[spec.amountColumn]) }));
}
