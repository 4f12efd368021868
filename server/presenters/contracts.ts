import { choiceTextConditions, organisationChoice } from './choice-filters.js';
import { literal, Op, type Order, type WhereOptions } from 'sequelize';
import { editFormValues } from './stale-edit.js';
import { ARTICLE_23_FIELDS, CONTRACT_STATUSES, CONTRACT_TRANSITIONS, Contract, type ContractStatus } from '../../models/Contract.js';
import { ContractTarget } from '../../models/ContractTarget.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { District, Organisation } from '../../models/index.js';
import { allPublishedCategories, categorySetOf, categorySetOfContract, categoryYearFor } from '../services/service-categories.js';
import { EVALUATION_KINDS } from '../../models/Evaluation.js';
import { Instalment, MILESTONE_MIN_GRADES } from '../../models/Instalment.js';
import { PROCUREMENT_METHODS, Project } from '../../models/Project.js';
import { getSequelize } from '../db.js';
import { canMove } from '../../models/transitions.js';
import { today } from '../clock.js';
import { ACTIVATION_REASON } from '../commands/contracts/contractActivator.js';
import { NotFoundError } from '../errors.js';
import { type Actor, can, canMap, movesOf } from '../policies/index.js';
import { DOSSIER_RESOURCE } from '../policies/dossier.js';
import { CONTRACT_RESOURCE, contractScope } from '../policies/contract.js';
import { CONTRACT_SORT_KEYS, type ContractFilter, type ContractListQuery, type ContractSortKey, INSTALMENT_ROWS, TARGET_ROWS } from '../schemas/contracts.js';
import type { ExportColumn } from '../services/export.js';
import { balance, balances } from '../services/ledger.js';
import { fenToInput, formatFen } from '../services/money.js';
import { formatDateTime } from './format.js';
import { districtName } from './format.js';
import type { Lang } from '../i18n/index.js';
import { listFrame, pageWindow, withAll, choicesIf, scopeShow, scopedColumns, type ScopeShow, SHOW_ALL } from './list-page.js';
import { districtsInOrder } from '../services/reference.js';
import { findListPage } from '../services/list-query.js';
import { addDays } from '../services/calendar.js';
import { openShares } from '../services/contract-terms.js';
import { targetMetricGroups, targetMetricLabel } from './deliverables.js';
import { evaluationTieLabel, instalmentFactsOf, instalmentWaitsFor, milestoneTieOf } from './instalment-steps.js';

export const CONTRACTS_PATH = '/contracts';

/** What a list row and the detail page show beside the contract, read in the same query. */
export const CONTRACT_PLACE = [
  { model: District, as: 'district', attributes: ['id', 'code', 'name', 'nameEn', 'sortOrder', 'kind'] },
  { model: Organisation, as: 'organisation', attributes: ['id', 'name', 'districtId'] },
  { model: Project, as: 'project', attributes: ['id', 'title', 'ocid', 'year', 'status'] },
];

/** What a list row reads of the contract itself (`contractSummaryOf`), beside CONTRACT_PLACE. */
const CONTRACT_ROW_ATTRIBUTES = [
  'id',
  'number',
  'year',
  'districtId',
  'organisationId',
  'projectId',
  'valueFen',
  'reimbursementCeilingFen',
  'termStart',
  'termEnd',
  'status',
  'updatedAt',
];

/** The list's filter joined by AND to what the actor may see; the export uses the very same one. */
export function contractListWhere(actor: Actor, filter: ContractFilter): WhereOptions<Contract> {
  const and: unknown[] = [contractScope(actor)];
  if (filter.year) and.push({ year: filter.year });
  if (filter.districtId) and.push({ districtId: filter.districtId });
  if (filter.organisationId) and.push({ organisationId: filter.organisationId });
  and.push(...choiceTextConditions(filter, { organisation: 'organisationId' }));
  if (filter.status) and.push({ status: filter.status });
  if (filter.method)
    and.push({ projectId: { [Op.in]: literal(`(SELECT id FROM projects WHERE procurement_method = ${getSequelize().escape(filter.method)})`) } });
  if (filter.ending) {
    const day = today();
    and.push({ status: 'active', termEnd: { [Op.between]: [day, addDays(day, 60)] } });
  }
  return { [Op.and]: and } as WhereOptions<Contract>;
}

const SORT_COLUMN: Record<ContractSortKey, string> = {
  number: 'number',
  year: 'year',
  value: 'valueFen',
  termEnd: 'termEnd',
  status: 'status',
  updatedAt: 'updatedAt',
};

export const CONTRACT_STATUS_CLASS: Record<ContractStatus, string> = {
  draft: 'text-bg-warning',
  active: 'text-bg-success',
  completed: 'text-bg-secondary',
  terminated: 'text-bg-dark',
};

/** One row of the list and the facts of the detail page. */
export function contractSummaryOf(c: Contract, lang: Lang, money: { committed: number; paid: number }) {
  return {
    id: c.id,
    href: `${CONTRACTS_PATH}/${c.id}`,
    number: c.number,
    year: c.year,
    districtName: districtName(c.district, lang),
    organisationName: c.organisation?.name ?? '',
    projectTitle: c.project?.title ?? '',
    projectHref: `/projects/${c.projectId}`,
    value: formatFen(c.valueFen),
    ceiling: formatFen(c.reimbursementCeilingFen),
    committed: formatFen(money.committed),
    paid: formatFen(money.paid),
    term: `${c.termStart} – ${c.termEnd}`,
    termEnd: c.termEnd,
    status: c.status,
    statusLabel: lang.t(`contracts.status.${c.status}`),
    statusClass: CONTRACT_STATUS_CLASS[c.status as ContractStatus],
    updatedAt: formatDateTime(c.updatedAt),
  };
}

/** The list: one page read in the database with its committed and paid sums (a constant number of queries). */
export async function contractListPage(actor: Actor, query: ContractListQuery, lang: Lang) {
  const show = scopeShow(actor);
  const { t } = lang;
  const [{ rows, ...count }, districts] = await Promise.all([
    findListPage(Contract, {
      where: contractListWhere(actor, query),
      attributes: CONTRACT_ROW_ATTRIBUTES,
      include: CONTRACT_PLACE,
      order: [
        [SORT_COLUMN[query.sort], query.dir.toUpperCase()],
        ['id', 'DESC'],
      ] as Order,
      ...pageWindow(query),
    }),
    districtsInOrder(),
  ]);
  const ids = rows.map((c) => c.id);
  const [committed, paid] = await Promise.all([balances('contract_committed', ids), balances('paid', ids)]);
  return {
    show,
    rows: rows.map((c) => contractSummaryOf(c, lang, { committed: committed.get(c.id) ?? 0, paid: paid.get(c.id) ?? 0 })),
    ...listFrame(CONTRACTS_PATH, query, count, CONTRACT_SORT_KEYS, ['year', 'districtId', 'organisationId', 'organisationText', 'status', 'method', 'ending']),
    choices: { organisation: await organisationChoice(actor, lang, CONTRACTS_PATH, query, show.organisation) },
    options: {
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      statuses: withAll(
        lang,
        CONTRACT_STATUSES.map((s) => ({ value: s, label: t(`contracts.status.${s}`) })),
      ),
      methods: withAll(
        lang,
        PROCUREMENT_METHODS.map((m) => ({ value: m, label: t(`projects.method.${m}`) })),
      ),
      ending: withAll(lang, [{ value: '60', label: t('contracts.filters.ending60') }]),
    },
    can: canMap(actor, CONTRACT_RESOURCE, ['export']),
  };
}

/** The export's columns: what the list shows, money in yuan. */
export function contractExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<Contract>[] {
  const { t } = lang;
  return scopedColumns(
    [
      { header: t('contracts.fields.number'), value: (c) => c.number },
      { header: t('contracts.fields.year'), value: (c) => c.year },
      { header: t('contracts.fields.district'), value: (c) => districtName(c.district, lang), scope: 'district' },
      { header: t('contracts.fields.organisation'), value: (c) => c.organisation?.name ?? '', scope: 'organisation' },
      { header: t('contracts.fields.project'), value: (c) => c.project?.title ?? '' },
      { header: t('contracts.fields.valueYuan'), value: (c) => fenToInput(c.valueFen) },
      { header: t('contracts.fields.termStart'), value: (c) => c.termStart },
      { header: t('contracts.fields.termEnd'), value: (c) => c.termEnd },
      { header: t('contracts.fields.status'), value: (c) => t(`contracts.status.${c.status}`) },
    ],
    show,
  );
}

export const contractExportQuery = (actor: Actor, filter: ContractFilter) => ({ where: contractListWhere(actor, filter), include: CONTRACT_PLACE });

/** Loads a contract the actor may see (else 404). */
export async function loadContract(actor: Actor, id: number): Promise<Contract> {
  const contract = await Contract.findOne({ where: { [Op.and]: [contractScope(actor), { id }] }, include: CONTRACT_PLACE });
  if (!contract) throw new NotFoundError();
  return contract;
}

/** The detail page: facts, art. 23 texts, targets, instalments with status, versions, money from the ledger. */
export async function contractDetailPage(actor: Actor, c: Contract, lang: Lang) {
  const { t } = lang;
  const [targets, instalments, versions, committed, paid, categories, facts] = await Promise.all([
    ContractTarget.findAll({ where: { contractId: c.id }, order: [['id', 'ASC']] }),
    Instalment.findAll({ where: { contractId: c.id }, order: [['seq', 'ASC']] }),
    ContractVersion.findAll({ where: { contractId: c.id }, order: [['version', 'DESC']] }),
    balance('contract_committed', c.id),
    balance('paid', c.id),
    categorySetOfContract(c),
    instalmentFactsOf(c),
  ]);
  const categoryName = new Map(categories.categories.map((k) => [k.code, categories.categoryName(k.code, lang.locale)]));
  return {
    contract: contractSummaryOf(c, lang, { committed, paid }),
    facts: {
      signedOn: c.signedOn ?? '',
      termJustification: c.termJustification ?? '',
      announcement: c.announcementUrl ?? '',
      announcedOn: c.announcedOn ?? '',
      hasAnnouncementFile: Boolean(c.announcementFileId),
      hasSignedFile: Boolean(c.signedFileId),
      endReason: c.endReason ?? '',
    },
    texts: ARTICLE_23_FIELDS.map((f) => ({ label: t(`contracts.fields.${f}`), value: c[f] ?? '' })),
    targets: targets.map((x) => ({
      category: categoryName.get(x.categoryCode) ?? x.categoryCode,
      metric: targetMetricLabel(x.categoryCode, x.metric, lang, categories),
      count: x.targetCount,
    })),
    instalments: instalments.map((i) => ({
      seq: i.seq,
      amount: formatFen(i.amountFen),
      percent: i.percentBasisPoints === null ? '' : `${(i.percentBasisPoints / 100).toFixed(2)} %`,
      milestone: i.milestone,
      dueOn: i.dueOn ?? '',
      final: i.requiresFinalEvaluation,
      status: i.status,
      statusLabel: t(`contracts.instalmentStatus.${i.status}`),
      // What meets its milestone, and what its payment still waits for (#12).
      tie: milestoneTieOf(i, lang),
      waits: c.status === 'draft' ? '' : instalmentWaitsFor(i, facts, lang),
    })),
    versions: versions.map((v) => ({
      version: v.version,
      reason: v.reason === ACTIVATION_REASON && v.version === 1 ? t('contracts.versions.activation') : v.reason,
      value: formatFen(v.valueFen),
      term: `${v.snapshot.termStart} – ${v.snapshot.termEnd}`,
      instalments: v.snapshot.instalments.map((i) => `${i.seq}: ${formatFen(i.amountFen)}`).join(t('punct.semicolon')),
      targets: v.snapshot.targets
        .map((x) => `${categoryName.get(x.categoryCode) ?? x.categoryCode} · ${targetMetricLabel(x.categoryCode, x.metric, lang, categories)} ${x.targetCount}`)
        .join(t('punct.semicolon')),
      createdAt: formatDateTime(v.createdAt),
    })),
    // The moves the state and the policy allow now; a draft is updated (edited, its documents attached) in place.
    can: {
      ...movesOf(actor, CONTRACT_RESOURCE, CONTRACT_TRANSITIONS, c, ['activate', 'amend', 'complete', 'terminate']),
      update: can(actor, 'update', CONTRACT_RESOURCE, c) && canMove(CONTRACT_TRANSITIONS, c.status, 'edit'),
    },
    // Its instalments and their payments live on the payments pages.
    paymentsHref: c.status !== 'draft' && can(actor, 'list', 'payment') ? `/payments/contracts/${c.id}` : null,
    // The whole contract in one ZIP for auditors and inspectors (#20).
    dossierHref: can(actor, 'download', DOSSIER_RESOURCE, c) ? `${CONTRACTS_PATH}/${c.id}/dossier.zip` : null,
  };
}

/** A form's values from the contract's terms (edit and amend start from what is in force). */
export async function contractFormValuesOf(c: Contract): Promise<Record<string, unknown>> {
  const [targets, instalments] = await Promise.all([
    ContractTarget.findAll({ where: { contractId: c.id }, order: [['id', 'ASC']] }),
    Instalment.findAll({ where: { contractId: c.id, status: { [Op.in]: ['scheduled', 'due'] } }, order: [['seq', 'ASC']] }),
  ]);
  const values: Record<string, unknown> = {
    number: c.number,
    signedOn: c.signedOn ?? '',
    termStart: c.termStart,
    termEnd: c.termEnd,
    termJustification: c.termJustification ?? '',
    reimbursementCeiling: fenToInput(c.reimbursementCeilingFen),
    announcementUrl: c.announcementUrl ?? '',
    announcedOn: c.announcedOn ?? '',
    value: fenToInput(c.valueFen),
  };
  for (const f of ARTICLE_23_FIELDS) values[f] = c[f] ?? '';
  // The schedule comes back the way it was entered: shares stay shares (#12).
  const shares = openShares(instalments);
  values.scheduleMode = shares ? 'percent' : 'amount';
  instalments.slice(0, INSTALMENT_ROWS).forEach((i, n) => {
    const figure = shares ? percentInput(shares[n]) : fenToInput(i.amountFen);
    const tie = i.milestoneKind === 'evaluation' ? `${i.milestoneEvaluationKind}:${i.milestoneMinGrade}` : '';
    Object.assign(values, { [`figure_${n}`]: figure, [`milestone_${n}`]: i.milestone, [`due_${n}`]: i.dueOn ?? '', [`tie_${n}`]: tie });
  });
  targets.slice(0, TARGET_ROWS).forEach((x, n) => {
    Object.assign(values, { [`category_${n}`]: x.categoryCode, [`metric_${n}`]: x.metric, [`count_${n}`]: String(x.targetCount) });
  });
  return editFormValues(c, values);
}

/** Basis points as the form's per-cent figure: 3000 → "30", 5714 → "57.14", 3050 → "30.5". */
const percentInput = (bp: number) => (bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(2).replace(/0$/, ''));

/**
 * What the amendment form says of the instalments it does not list (requested, approved or paid:
 * fixed), so the officer knows the open ones share only the rest; null when none is fixed.
 */
export async function amendmentScheduleNote(c: Contract, lang: Lang): Promise<string | null> {
  const fixed = await Instalment.findAll({ where: { contractId: c.id, status: { [Op.notIn]: ['scheduled', 'due', 'cancelled'] } } });
  if (fixed.length === 0) return null;
  const fixedFen = fixed.reduce((s, i) => s + i.amountFen, 0);
  return lang.t('contracts.form.scheduleRest', { fixed: formatFen(fixedFen), rest: formatFen(c.valueFen - fixedFen) });
}

/**
 * The choices of the forms: the service categories for the targets (of the version the contract
 * bought, or a new contract of the project's year buys; every published one when neither is
 * known), the schedule modes.
 */
export async function contractFormOptions(lang: Lang, of?: { contract: Contract | null; projectId: number }) {
  const project = of && !of.contract && of.projectId ? await Project.findByPk(of.projectId, { attributes: ['id', 'year'] }) : null;
  const categories = of?.contract
    ? await categorySetOfContract(of.contract)
    : project
      ? await categorySetOf(await categoryYearFor(project.year))
      : await allPublishedCategories();
  return {
    categories: [{ value: '', label: '—' }, ...categories.categories.map((k) => ({ value: k.code, label: categories.categoryName(k.code, lang.locale) }))],
    modes: [
      { value: 'percent', label: lang.t('contracts.form.modePercent') },
      { value: 'amount', label: lang.t('contracts.form.modeAmount') },
    ],
    instalmentRows: INSTALMENT_ROWS,
    // A milestone may be met by an evaluation of a kind reaching a grade (#12).
    ties: [
      { value: '', label: lang.t('contracts.tie.none') },
      ...EVALUATION_KINDS.flatMap((kind) => MILESTONE_MIN_GRADES.map((grade) => ({ value: `${kind}:${grade}`, label: evaluationTieLabel(kind, grade, lang) }))),
    ],
    targetRows: TARGET_ROWS,
    // The metrics a target may name, per service category (deliverables report them).
    metricGroups: targetMetricGroups(categories, lang),
    categoryYear: categories.year,
  };
}
