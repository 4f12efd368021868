import { type Includeable, literal, type Model, type ModelStatic, Op, type Order, type WhereOptions } from 'sequelize';
import { Allocation } from '../../models/Allocation.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Deliverable } from '../../models/Deliverable.js';
import { Evaluation } from '../../models/Evaluation.js';
import { Organisation } from '../../models/Organisation.js';
import { Payment } from '../../models/Payment.js';
import { Project } from '../../models/Project.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { thisYear, today } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can, districtScope } from '../policies/index.js';
import { CLAIM_RESOURCE, claimQueueWhere, claimScope } from '../policies/claim.js';
import { contractScope } from '../policies/contract.js';
import { DELIVERABLE_RESOURCE, deliverableScope, reviewQueueWhere } from '../policies/deliverable.js';
import { EVALUATION_RESOURCE, evaluationScope } from '../policies/evaluation.js';
import { ALLOCATION_RESOURCE, allocationQueueWhere, BUDGET_LINE_RESOURCE } from '../policies/finance.js';
import { approvalQueueWhere, PAYMENT_RESOURCE } from '../policies/payment.js';
import { addDays } from '../services/calendar.js';
import { formatFen } from '../services/money.js';
import { statusFromSummary } from '../services/training-status.js';
import { workerListWhere } from './child-workers.js';
import { finalProposalsWhere } from './evaluation-admin.js';

/**
 * The kinds of to-do (待办, #16): each a question asked of the records' state — what waits for
 * this person's decision or work, in their scope and role — never a stored list, so an item leaves
 * by itself once done. Each kind is gated by the policy registry (the role may take that step at
 * all) and scoped by the policies' own scopes; none widens what a person may see.
 */

/** One to-do: what it is about, where it is done, and by when. */
export type InboxRow = { subject: string; detail: string; href: string; dueOn: string | null };

export type InboxKind = {
  key: string;
  /** Whether this kind can concern the actor at all (the role may take the step). */
  applies: (actor: Actor) => boolean;
  model: ModelStatic<Model>;
  where: (actor: Actor, day: string) => WhereOptions;
  include?: Includeable[];
  order: Order;
  row: (record: never, lang: Lang) => InboxRow;
  /** The area's own list of all of them, where there is one. */
  allHref?: string;
};

/** How far ahead a deliverable counts as due (the reminder settings of #16 may send earlier). */
export const DUE_WITHIN_DAYS = 30;
/** A contract ending within this many days without a final evaluation is a to-do (issue #16). */
export const FINAL_EVALUATION_WITHIN_DAYS = 60;
/** A budget line runs low when less than this share of its amount is still available (per mille). */
export const LOW_BALANCE_PER_MILLE = 100;

const ORGANISATION = { model: Organisation, as: 'organisation', attributes: ['id', 'name'] };
const CONTRACT = { model: Contract, as: 'contract', attributes: ['id', 'number'] };
/** A session id as SQL: an integer, or -1. */
const idSql = (n: number | null | undefined) => (Number.isSafeInteger(n) ? Number(n) : -1);

type WithContract = { contract?: { number: string } | null; organisation?: { name: string } | null };
const contractLine = (r: WithContract) => [r.contract?.number, r.organisation?.name].filter(Boolean).join(' · ');

const allocationDecide: InboxKind = {
  key: 'allocationDecide',
  applies: (a) => can(a, 'queue', ALLOCATION_RESOURCE),
  model: Allocation,
  where: (a) => allocationQueueWhere(a),
  include: [{ model: Project, as: 'project', attributes: ['id', 'title'] }],
  order: [
    ['submittedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: (r: Allocation) => ({ subject: r.project?.title ?? `#${r.id}`, detail: formatFen(r.amountFen), href: `/allocations/${r.id}`, dueOn: null }),
  allHref: '/allocations/queue',
};

const paymentDecide: InboxKind = {
  key: 'paymentDecide',
  applies: (a) => can(a, 'queue', PAYMENT_RESOURCE),
  model: Payment,
  where: (a) => approvalQueueWhere(a),
  include: [CONTRACT, ORGANISATION],
  order: [
    ['requestedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: (r: Payment, lang) => ({
    subject: contractLine(r),
    detail: `${lang.t(`inbox.paymentKind.${r.kind}`)} ${formatFen(r.amountFen)}`,
    href: `/payments/${r.id}`,
    dueOn: null,
  }),
  allHref: '/payments/queue',
};

const paymentPay: InboxKind = {
  key: 'paymentPay',
  applies: (a) => can(a, 'pay', PAYMENT_RESOURCE),
  model: Payment,
  // Approved payments of the district, but not those the actor approved, unless the district's recorded one-reviewer exception.
  where: (a) => ({
    [Op.and]: [
      districtScope(a),
      { status: 'approved' },
      {
        [Op.or]: [
          { approvedBy: { [Op.ne]: a.id } },
          { districtId: { [Op.in]: literal('(SELECT d.id FROM districts d WHERE d.single_finance_reviewer = 1)') } },
        ],
      },
    ],
  }),
  include: [CONTRACT, ORGANISATION],
  order: [
    ['approvedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: (r: Payment, lang) => ({
    subject: contractLine(r),
    detail: `${lang.t(`inbox.paymentKind.${r.kind}`)} ${formatFen(r.amountFen)}`,
    href: `/payments/${r.id}`,
    dueOn: null,
  }),
};

const claimRow = (r: Claim) => ({ subject: contractLine(r), detail: `${r.month} · ${formatFen(r.totalFen)}`, href: `/claims/${r.id}`, dueOn: null });
const claimDecide = (key: string, action: 'verify' | 'approve'): InboxKind => ({
  key,
  applies: (a) => can(a, 'queue', CLAIM_RESOURCE) && can(a, action, CLAIM_RESOURCE),
  model: Claim,
  where: (a) => claimQueueWhere(a),
  include: [CONTRACT, ORGANISATION],
  order: [
    ['submittedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: claimRow,
  allHref: '/claims/queue',
});

const claimReturned: InboxKind = {
  key: 'claimReturned',
  applies: (a) => can(a, 'edit', CLAIM_RESOURCE),
  model: Claim,
  where: (a) => ({ [Op.and]: [claimScope(a), { status: 'returned' }] }),
  include: [CONTRACT, ORGANISATION],
  order: [
    ['updatedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: claimRow,
  allHref: '/claims?status=returned',
};

const deliverableRow = (r: Deliverable, lang: Lang) => ({
  subject: contractLine(r),
  detail: `${lang.t(`deliverables.categories.${r.categoryCode}`)} · ${r.periodStart} – ${r.periodEnd}`,
  href: `/deliverables/${r.id}`,
  dueOn: r.dueOn,
});
const byDue: Order = [
  ['dueOn', 'ASC'],
  ['id', 'ASC'],
];

const deliverableReview: InboxKind = {
  key: 'deliverableReview',
  applies: (a) => can(a, 'queue', DELIVERABLE_RESOURCE),
  model: Deliverable,
  where: (a) => reviewQueueWhere(a),
  include: [CONTRACT, ORGANISATION],
  order: [
    ['submittedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: deliverableRow,
  allHref: '/deliverables/queue',
};

const deliverableReturned: InboxKind = {
  key: 'deliverableReturned',
  applies: (a) => can(a, 'hand_in', DELIVERABLE_RESOURCE),
  model: Deliverable,
  where: (a) => ({ [Op.and]: [deliverableScope(a), { status: 'returned' }] }),
  include: [CONTRACT, ORGANISATION],
  order: byDue,
  row: deliverableRow,
  allHref: '/deliverables?status=returned',
};

const deliverableDue: InboxKind = {
  key: 'deliverableDue',
  applies: (a) => can(a, 'hand_in', DELIVERABLE_RESOURCE),
  model: Deliverable,
  where: (a, day) => ({ [Op.and]: [deliverableScope(a), { status: 'draft', dueOn: { [Op.lte]: addDays(day, DUE_WITHIN_DAYS) } }] }),
  include: [CONTRACT, ORGANISATION],
  order: byDue,
  row: deliverableRow,
};

const evaluationRow = (r: Evaluation, lang: Lang) => ({
  subject: contractLine(r),
  detail: `${lang.t(`evaluations.kind.${r.kind}`)}${r.returnReason && r.status === 'in_progress' ? ` · ${lang.t('inbox.returnedBecause', { reason: r.returnReason })}` : ''}`,
  href: `/evaluations/${r.id}`,
  dueOn: r.dueOn,
});
const evaluationOfEvaluator = (key: string, status: string): InboxKind => ({
  key,
  applies: (a) => can(a, 'score', EVALUATION_RESOURCE),
  model: Evaluation,
  where: (a) => ({ [Op.and]: [evaluationScope(a), { status }] }),
  include: [CONTRACT, ORGANISATION],
  order: byDue,
  row: evaluationRow,
  allHref: '/evaluations/queue',
});

const evaluationConfirm: InboxKind = {
  key: 'evaluationConfirm',
  applies: (a) => can(a, 'confirm', EVALUATION_RESOURCE),
  model: Evaluation,
  where: (a) => ({ [Op.and]: [evaluationScope(a), { status: 'submitted' }] }),
  include: [CONTRACT, ORGANISATION],
  order: byDue,
  row: evaluationRow,
  allHref: '/evaluations/queue',
};

type ItemWithEvaluation = RectificationItem & { evaluation?: Evaluation & WithContract };
const rectificationRow = (r: ItemWithEvaluation) => ({
  subject: r.evaluation ? contractLine(r.evaluation) : '',
  detail: r.description,
  href: `/evaluations/${r.evaluationId}`,
  dueOn: r.evaluation?.rectificationDeadline ?? null,
});
const rectificationInclude: Includeable[] = [
  { model: Evaluation, as: 'evaluation', attributes: ['id', 'rectificationDeadline'], include: [CONTRACT, ORGANISATION] },
];

const rectificationReport: InboxKind = {
  key: 'rectificationReport',
  applies: (a) => can(a, 'report_rectification', EVALUATION_RESOURCE),
  model: RectificationItem,
  where: (a) => ({ organisationId: idSql(a.organisationId), status: 'open' }),
  include: rectificationInclude,
  order: [
    ['evaluationId', 'ASC'],
    ['seq', 'ASC'],
  ],
  row: rectificationRow,
};

const rectificationClose: InboxKind = {
  key: 'rectificationClose',
  applies: (a) => can(a, 'close_rectification', EVALUATION_RESOURCE),
  model: RectificationItem,
  where: (a) => ({
    status: 'reported',
    ...(a.cityLevel ? {} : { evaluationId: { [Op.in]: literal(`(SELECT ev.id FROM evaluations ev WHERE ev.district_id = ${idSql(a.districtId)})`) } }),
  }),
  include: rectificationInclude,
  order: [
    ['reportedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: rectificationRow,
};

type ContractRow = Contract & { organisation?: { name: string } | null };
const contractFinalEvaluation: InboxKind = {
  key: 'contractFinalEvaluation',
  applies: (a) => can(a, 'schedule', EVALUATION_RESOURCE),
  model: Contract,
  where: (a, day) => finalProposalsWhere(a, addDays(day, FINAL_EVALUATION_WITHIN_DAYS)) as WhereOptions,
  include: [ORGANISATION],
  order: [
    ['termEnd', 'ASC'],
    ['id', 'ASC'],
  ],
  row: (r: ContractRow) => ({
    subject: contractLine({ contract: r, organisation: r.organisation }),
    detail: '',
    href: `/evaluations/new?contractId=${r.id}`,
    dueOn: r.termEnd,
  }),
};

const contractReportingMissing: InboxKind = {
  key: 'contractReportingMissing',
  applies: (a) => can(a, 'schedule', DELIVERABLE_RESOURCE),
  model: Contract,
  where: (a) => ({
    [Op.and]: [contractScope(a), { status: 'active' }, { id: { [Op.notIn]: literal('(SELECT rs.contract_id FROM reporting_schedules rs)') } }],
  }),
  include: [ORGANISATION],
  order: [
    ['termStart', 'ASC'],
    ['id', 'ASC'],
  ],
  row: (r: ContractRow) => ({
    subject: contractLine({ contract: r, organisation: r.organisation }),
    detail: '',
    href: `/contracts/${r.id}/reporting`,
    dueOn: null,
  }),
};

const workerTrainingLapsing: InboxKind = {
  key: 'workerTrainingLapsing',
  applies: (a) => can(a, 'record_training', 'child_worker'),
  model: ChildWorker,
  where: (a, day) => workerListWhere(a, { status: 'active', training: 'lapsing' } as Parameters<typeof workerListWhere>[1], day) as WhereOptions,
  order: [
    ['lastTrainingPassedOn', 'ASC'],
    ['id', 'ASC'],
  ],
  row: (r: ChildWorker, lang) => ({
    subject: r.name,
    detail: lang.t(`workers.kinds.${r.kind}`),
    href: `/workers/${r.id}`,
    dueOn: statusFromSummary({ trainingPassedOn: r.trainingPassedOn, lastTrainingPassedOn: r.lastTrainingPassedOn }, today()).lapsesOn,
  }),
  allHref: '/workers?status=active&training=lapsing',
};

const budgetLineLow: InboxKind = {
  key: 'budgetLineLow',
  applies: (a) => can(a, 'update', BUDGET_LINE_RESOURCE),
  model: BudgetLine,
  // Lines of this year the actor keeps with less than a tenth of their amount still available (the ledger's line_available account).
  where: (a) => ({
    [Op.and]: [
      districtScope(a),
      { year: thisYear(), amountFen: { [Op.gt]: 0 } },
      {
        id: {
          [Op.in]: literal(
            `(SELECT b.id FROM budget_lines b LEFT JOIN ledger_entries le ON le.account_type = 'line_available' AND le.account_id = b.id
              GROUP BY b.id, b.amount_fen HAVING COALESCE(SUM(le.amount_fen), 0) * 1000 < b.amount_fen * ${LOW_BALANCE_PER_MILLE})`,
          ),
        },
      },
    ],
  }),
  order: [
    ['year', 'DESC'],
    ['id', 'ASC'],
  ],
  row: (r: BudgetLine, lang) => ({ subject: r.name, detail: lang.t(`finance.fundSource.${r.fundSource}`), href: `/budget-lines/${r.id}`, dueOn: null }),
};

/** Every kind, in the order the list shows them: decisions first, then work due, then what to watch. */
export const INBOX_KINDS: readonly InboxKind[] = [
  allocationDecide,
  paymentDecide,
  paymentPay,
  claimDecide('claimVerify', 'verify'),
  claimDecide('claimApprove', 'approve'),
  deliverableReview,
  evaluationConfirm,
  rectificationClose,
  evaluationOfEvaluator('evaluationStart', 'scheduled'),
  evaluationOfEvaluator('evaluationSubmit', 'in_progress'),
  deliverableReturned,
  claimReturned,
  deliverableDue,
  rectificationReport,
  contractFinalEvaluation,
  contractReportingMissing,
  workerTrainingLapsing,
  budgetLineLow,
];

/** The kinds that can concern `actor`. */
export function kindsFor(actor: Actor): InboxKind[] {
  return INBOX_KINDS.filter((k) => k.applies(actor));
}
