import { type Includeable, literal, type Model, type ModelStatic, Op, type Order, type WhereOptions } from 'sequelize';
import { Allocation } from '../../models/Allocation.js';
import { AllowanceList } from '../../models/AllowanceList.js';
import { BudgetLine } from '../../models/BudgetLine.js';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { District } from '../../models/District.js';
import { Deliverable } from '../../models/Deliverable.js';
import { Evaluation } from '../../models/Evaluation.js';
import { Inspection, InspectionFinding } from '../../models/Inspection.js';
import { Organisation } from '../../models/Organisation.js';
import { Payment } from '../../models/Payment.js';
import { Project } from '../../models/Project.js';
import { RectificationItem } from '../../models/RectificationItem.js';
import { thisYear, today } from '../clock.js';
import { allPublishedCategories } from '../services/service-categories.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can, districtScope } from '../policies/index.js';
import { ALLOWANCE_LIST_RESOURCE, allowanceQueueWhere } from '../policies/allowance.js';
import { CLAIM_RESOURCE, claimQueueWhere, claimScope } from '../policies/claim.js';
import { contractScope } from '../policies/contract.js';
import { DELIVERABLE_RESOURCE, deliverableScope, reviewQueueWhere } from '../policies/deliverable.js';
import { EVALUATION_RESOURCE, evaluationScope } from '../policies/evaluation.js';
import { ALLOCATION_RESOURCE, allocationQueueWhere, BUDGET_LINE_RESOURCE } from '../policies/finance.js';
import { approvalQueueWhere, PAYMENT_RESOURCE } from '../policies/payment.js';
import { FINDING_RESOURCE } from '../policies/inspection.js';
import { addDays } from '../services/calendar.js';
import { formatFen } from '../services/money.js';
import { statusFromSummary } from '../services/training-status.js';
import { workerListWhere } from './child-workers.js';
import { finalProposalsWhere } from './evaluation-admin.js';
import { districtName } from './format.js';

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
  /** The item as the actor reads it. */
  row: (record: never, lang: Lang, actor: Actor) => InboxRow;
  /** Reads what the rows of one page need besides their own columns (once per page, before `row`). */
  prepare?: (records: never[], lang: Lang) => Promise<void>;
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
/** Oldest first by `column`, ties by id. */
const oldestFirst = (column: string): Order => [
  [column, 'ASC'],
  ['id', 'ASC'],
];
/** Whether the actor's role may take `action` on `resource` at all. */
const may = (action: string, resource: string) => (a: Actor) => can(a, action, resource);

type WithContract = { contract?: { number: string } | null; organisation?: { name: string } | null };
/** The contract and its organisation; an organisation's own people are not told their own name on every line. */
const contractLine = (r: WithContract, actor: Actor) =>
  [r.contract?.number, actor.organisationId === null ? r.organisation?.name : null].filter(Boolean).join(' · ');

type Question = Pick<InboxKind, 'applies' | 'where'> & Partial<Pick<InboxKind, 'order' | 'allHref'>>;

/**
 * The kinds asked of one model's records, which hang off a contract (payments, claims,
 * deliverables, evaluations): read with their contract and organisation and shown by one `row`;
 * each kind brings its own question (who, which records) and may order or link otherwise.
 */
function contractRecords<R>(
  model: ModelStatic<Model>,
  row: (r: R, lang: Lang, actor: Actor) => InboxRow,
  defaults: Pick<InboxKind, 'order'> & { allHref?: string },
) {
  return (key: string, question: Question): InboxKind => ({ key, model, include: [CONTRACT, ORGANISATION], row, ...defaults, ...question });
}

const payments = contractRecords(
  Payment,
  (r: Payment, lang, actor) => ({
    subject: contractLine(r, actor),
    detail: `${lang.t(`inbox.paymentKind.${r.kind}`)} ${formatFen(r.amountFen)}`,
    href: `/payments/${r.id}`,
    dueOn: null,
  }),
  { order: oldestFirst('requestedAt') },
);
const paymentDecide = payments('paymentDecide', { applies: may('queue', PAYMENT_RESOURCE), where: (a) => approvalQueueWhere(a), allHref: '/payments/queue' });
const paymentPay = payments('paymentPay', {
  applies: may('pay', PAYMENT_RESOURCE),
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
  order: oldestFirst('approvedAt'),
});

const claims = contractRecords(
  Claim,
  (r: Claim, _lang, actor) => ({ subject: contractLine(r, actor), detail: `${r.month} · ${formatFen(r.totalFen)}`, href: `/claims/${r.id}`, dueOn: null }),
  { order: oldestFirst('submittedAt'), allHref: '/claims/queue' },
);
const claimDecide = (key: string, action: 'verify' | 'approve') =>
  claims(key, { applies: (a) => can(a, 'queue', CLAIM_RESOURCE) && can(a, action, CLAIM_RESOURCE), where: (a) => claimQueueWhere(a) });
const claimReturned = claims('claimReturned', {
  applies: may('edit', CLAIM_RESOURCE),
  where: (a) => ({ [Op.and]: [claimScope(a), { status: 'returned' }] }),
  order: oldestFirst('updatedAt'),
  allHref: '/claims?status=returned',
});

/** A deliverable with its category's name, which `prepare` reads (the categories are data, #21). */
type NamedDeliverable = Deliverable & { categoryLabel?: string };

const deliverables = (key: string, question: Question): InboxKind => ({
  ...contractRecords(
    Deliverable,
    (r: NamedDeliverable, lang, actor) => ({
      subject: contractLine(r, actor),
      detail: `${r.categoryLabel ?? lang.t(`deliverables.categories.${r.categoryCode}`)} · ${r.periodStart} – ${r.periodEnd}`,
      href: `/deliverables/${r.id}`,
      dueOn: r.dueOn,
    }),
    { order: oldestFirst('dueOn') },
  )(key, question),
  prepare: async (records: NamedDeliverable[], lang) => {
    if (records.length === 0) return;
    const names = await allPublishedCategories();
    for (const r of records) r.categoryLabel = names.categoryName(r.categoryCode, lang.locale);
  },
});
const deliverableReview = deliverables('deliverableReview', {
  applies: may('queue', DELIVERABLE_RESOURCE),
  where: (a) => reviewQueueWhere(a),
  order: oldestFirst('submittedAt'),
  allHref: '/deliverables/queue',
});
const deliverableReturned = deliverables('deliverableReturned', {
  applies: may('hand_in', DELIVERABLE_RESOURCE),
  where: (a) => ({ [Op.and]: [deliverableScope(a), { status: 'returned' }] }),
  allHref: '/deliverables?status=returned',
});
const deliverableDue = deliverables('deliverableDue', {
  applies: may('hand_in', DELIVERABLE_RESOURCE),
  where: (a, day) => ({ [Op.and]: [deliverableScope(a), { status: 'draft', dueOn: { [Op.lte]: addDays(day, DUE_WITHIN_DAYS) } }] }),
});

const evaluations = contractRecords(
  Evaluation,
  (r: Evaluation, lang, actor) => ({
    subject: contractLine(r, actor),
    detail: `${lang.t(`evaluations.kind.${r.kind}`)}${r.returnReason && r.status === 'in_progress' ? ` · ${lang.t('inbox.returnedBecause', { reason: r.returnReason })}` : ''}`,
    href: `/evaluations/${r.id}`,
    dueOn: r.dueOn,
  }),
  { order: oldestFirst('dueOn'), allHref: '/evaluations/queue' },
);
/** Evaluations in `status` for whoever may take `action` on them: the evaluator's to start and submit, the officer's to confirm. */
const evaluationIn = (key: string, action: 'score' | 'confirm', status: string) =>
  evaluations(key, { applies: may(action, EVALUATION_RESOURCE), where: (a) => ({ [Op.and]: [evaluationScope(a), { status }] }) });

type ItemWithEvaluation = RectificationItem & { evaluation?: Evaluation & WithContract };
/** Rectification items, read with their evaluation's deadline, contract and organisation. */
const rectificationItems = (key: string, question: Question & Pick<InboxKind, 'order'>): InboxKind => ({
  key,
  model: RectificationItem,
  include: [{ model: Evaluation, as: 'evaluation', attributes: ['id', 'rectificationDeadline'], include: [CONTRACT, ORGANISATION] }],
  row: (r: ItemWithEvaluation, _lang, actor) => ({
    subject: r.evaluation ? contractLine(r.evaluation, actor) : '',
    detail: r.description,
    href: `/evaluations/${r.evaluationId}`,
    dueOn: r.evaluation?.rectificationDeadline ?? null,
  }),
  ...question,
});
const rectificationReport = rectificationItems('rectificationReport', {
  applies: may('report_rectification', EVALUATION_RESOURCE),
  where: (a) => ({ organisationId: idSql(a.organisationId), status: 'open' }),
  order: [
    ['evaluationId', 'ASC'],
    ['seq', 'ASC'],
  ],
});
const rectificationClose = rectificationItems('rectificationClose', {
  applies: may('close_rectification', EVALUATION_RESOURCE),
  where: (a) => ({
    status: 'reported',
    ...(a.cityLevel ? {} : { evaluationId: { [Op.in]: literal(`(SELECT ev.id FROM evaluations ev WHERE ev.district_id = ${idSql(a.districtId)})`) } }),
  }),
  order: oldestFirst('reportedAt'),
});

type ContractRow = Contract & { organisation?: { name: string } | null };
/** Contracts the officer must act on, read with their organisation; `href` is where it is done. */
const contracts = (
  key: string,
  question: Question & Pick<InboxKind, 'order'>,
  href: (c: Contract) => string,
  dueOn: (c: Contract) => string | null,
): InboxKind => ({
  key,
  model: Contract,
  include: [ORGANISATION],
  row: (r: ContractRow, _lang: Lang, actor: Actor) => ({
    subject: contractLine({ contract: r, organisation: r.organisation }, actor),
    detail: '',
    href: href(r),
    dueOn: dueOn(r),
  }),
  ...question,
});
const contractFinalEvaluation = contracts(
  'contractFinalEvaluation',
  {
    applies: may('schedule', EVALUATION_RESOURCE),
    where: (a, day) => finalProposalsWhere(a, addDays(day, FINAL_EVALUATION_WITHIN_DAYS)) as WhereOptions,
    order: oldestFirst('termEnd'),
  },
  (c) => `/evaluations/new?contractId=${c.id}`,
  (c) => c.termEnd,
);
const contractReportingMissing = contracts(
  'contractReportingMissing',
  {
    applies: may('schedule', DELIVERABLE_RESOURCE),
    where: (a) => ({
      [Op.and]: [contractScope(a), { status: 'active' }, { id: { [Op.notIn]: literal('(SELECT rs.contract_id FROM reporting_schedules rs)') } }],
    }),
    order: oldestFirst('termStart'),
  },
  (c) => `/contracts/${c.id}/reporting`,
  () => null,
);

const workerTrainingLapsing: InboxKind = {
  key: 'workerTrainingLapsing',
  applies: may('record_training', 'child_worker'),
  model: ChildWorker,
  where: (a, day) => workerListWhere(a, { status: 'active', training: 'lapsing' } as Parameters<typeof workerListWhere>[1], day) as WhereOptions,
  order: oldestFirst('lastTrainingPassedOn'),
  row: (r: ChildWorker, lang) => ({
    subject: r.name,
    detail: lang.t(`workers.kinds.${r.kind}`),
    href: `/workers/${r.id}`,
    dueOn: statusFromSummary({ trainingPassedOn: r.trainingPassedOn, lastTrainingPassedOn: r.lastTrainingPassedOn }, today()).lapsesOn,
  }),
  allHref: '/workers?status=active&training=lapsing',
};

const allocationDecide: InboxKind = {
  key: 'allocationDecide',
  applies: may('queue', ALLOCATION_RESOURCE),
  model: Allocation,
  where: (a) => allocationQueueWhere(a),
  include: [{ model: Project, as: 'project', attributes: ['id', 'title'] }],
  order: oldestFirst('submittedAt'),
  row: (r: Allocation) => ({ subject: r.project?.title ?? `#${r.id}`, detail: formatFen(r.amountFen), href: `/allocations/${r.id}`, dueOn: null }),
  allHref: '/allocations/queue',
};

const ALLOWANCE_DISTRICT = { model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] };
const allowanceRow = (r: AllowanceList, lang: Lang): InboxRow => ({
  subject: `${districtName(r.district, lang)} · ${r.month}`,
  detail: `${lang.t('allowances.inboxDetail', { count: r.workerCount })} · ${formatFen(r.totalFen)}`,
  href: `/allowances/${r.id}`,
  dueOn: null,
});

/** Submitted allowance lists of the district that finance decides (never one they generated or submitted, #21). */
const allowanceDecide: InboxKind = {
  key: 'allowanceDecide',
  applies: may('approve', ALLOWANCE_LIST_RESOURCE),
  model: AllowanceList,
  where: (a) => allowanceQueueWhere(a),
  include: [ALLOWANCE_DISTRICT],
  order: oldestFirst('submittedAt'),
  row: allowanceRow,
  allHref: '/allowances?status=submitted',
};

/** Approved allowance lists waiting to be recorded paid, but not by whoever approved them (unless the district's exception). */
const allowancePay: InboxKind = {
  key: 'allowancePay',
  applies: may('pay', ALLOWANCE_LIST_RESOURCE),
  model: AllowanceList,
  where: (a) => ({
    [Op.and]: [
      districtScope(a),
      { status: 'approved' },
      {
        [Op.or]: [{ decidedBy: { [Op.ne]: a.id } }, { districtId: { [Op.in]: literal('(SELECT d.id FROM districts d WHERE d.single_finance_reviewer = 1)') } }],
      },
    ],
  }),
  include: [ALLOWANCE_DISTRICT],
  order: oldestFirst('decidedAt'),
  row: allowanceRow,
  allHref: '/allowances?status=approved',
};

const budgetLineLow: InboxKind = {
  key: 'budgetLineLow',
  applies: may('update', BUDGET_LINE_RESOURCE),
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

type FindingRow = InspectionFinding & { inspection?: Inspection };
const findingRow = (r: FindingRow, lang: Lang): InboxRow => ({
  subject: r.inspection?.title ?? `#${r.inspectionId}`,
  detail: `${lang.t('overview.inspections.findingHeading', { seq: r.seq })} · ${lang.t(`overview.inspections.findingStatus.${r.status}`)}`,
  href: `/overview/inspections/${r.inspectionId}#finding-${r.id}`,
  dueOn: r.status === 'rectifying' ? r.deadline : null,
});
const INSPECTION = { model: Inspection, as: 'inspection', attributes: ['id', 'title'] };
/** Open inspections (of the agency `agencyId` or of the whole district, when given), as a subquery: the counts take no include. */
const openInspections = (agencyId?: number | null) =>
  literal(
    `(SELECT i.id FROM inspections i WHERE i.status = 'open'${agencyId === undefined ? '' : ` AND (i.agency_id IS NULL OR i.agency_id = ${idSql(agencyId)})`})`,
  );

/** Findings of open inspections of the officer's district (of their agency, where one is named) waiting for an answer or a rectification (#17). */
const inspectionAnswer: InboxKind = {
  key: 'inspectionAnswer',
  applies: (a) => can(a, 'answer', FINDING_RESOURCE),
  model: InspectionFinding,
  where: (a) => ({ districtId: a.districtId, status: ['open', 'rectifying'], inspectionId: { [Op.in]: openInspections(a.agencyId) } }),
  include: [INSPECTION],
  order: [
    ['deadline', 'ASC'],
    ['id', 'ASC'],
  ],
  row: findingRow,
  allHref: '/overview/inspections',
};

/** Answers and rectification reports of the inspector's scope waiting for their decision (#17). */
const inspectionReview: InboxKind = {
  key: 'inspectionReview',
  applies: (a) => can(a, 'accept', FINDING_RESOURCE),
  model: InspectionFinding,
  where: (a) => ({ [Op.and]: [districtScope(a), { status: ['answered', 'rectified'] }, { inspectionId: { [Op.in]: openInspections() } }] }),
  include: [INSPECTION],
  order: [
    ['updatedAt', 'ASC'],
    ['id', 'ASC'],
  ],
  row: findingRow,
  allHref: '/overview/inspections',
};

/** Every kind, in the order the list shows them: decisions first, then work due, then what to watch. */
export const INBOX_KINDS: readonly InboxKind[] = [
  allocationDecide,
  paymentDecide,
  paymentPay,
  allowanceDecide,
  allowancePay,
  claimDecide('claimVerify', 'verify'),
  claimDecide('claimApprove', 'approve'),
  deliverableReview,
  evaluationIn('evaluationConfirm', 'confirm', 'submitted'),
  rectificationClose,
  inspectionReview,
  evaluationIn('evaluationStart', 'score', 'scheduled'),
  evaluationIn('evaluationSubmit', 'score', 'in_progress'),
  deliverableReturned,
  claimReturned,
  deliverableDue,
  rectificationReport,
  inspectionAnswer,
  contractFinalEvaluation,
  contractReportingMissing,
  workerTrainingLapsing,
  budgetLineLow,
];

/** The kinds that can concern `actor`. */
export function kindsFor(actor: Actor): InboxKind[] {
  return INBOX_KINDS.filter((k) => k.applies(actor));
}
