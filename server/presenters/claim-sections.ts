import { Op, QueryTypes } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { CLAIM_STATUSES, Claim } from '../../models/Claim.js';
import { Contract } from '../../models/Contract.js';
import { Engagement } from '../../models/Engagement.js';
import { District, Organisation } from '../../models/index.js';
import { capsOf, reservedOf } from '../commands/claims/claimShared.js';
import { getSequelize } from '../db.js';
import { NotFoundError } from '../errors.js';
import { type Actor, can, canMap } from '../policies/index.js';
import { CLAIM_RESOURCE, ENGAGEMENT_RESOURCE, claimQueueWhere, claimScope } from '../policies/claim.js';
import type { ClaimTotalsQuery } from '../schemas/claims.js';
import type { ExportColumn } from '../services/export.js';
import { fenToInput, formatFen } from '../services/money.js';
import { shanghaiToday } from '../services/training-status.js';
import { CLAIMS_PATH, claimSummary } from './claims.js';
import type { DashboardCard } from './dashboard.js';
import type { Lang } from '../i18n/index.js';

/** The engagements of a contract with their workers (one query). */
function engagementsOf(contractId: number) {
  return Engagement.findAll({
    where: { contractId },
    include: [{ model: ChildWorker, as: 'worker', attributes: ['id', 'name', 'kind', 'idNumberMasked', 'districtId'] }],
    order: [
      ['startsOn', 'ASC'],
      ['id', 'ASC'],
    ],
  });
}

/** The share of child directors among the distinct workers engaged (the policy asks organisations to prefer them). */
function directorShare(engagements: readonly Engagement[]) {
  const workers = new Map(engagements.map((e) => [e.childWorkerId, e.worker?.kind]));
  const directors = [...workers.values()].filter((k) => k === 'director').length;
  return { engaged: workers.size, directors, share: workers.size ? `${Math.round((directors / workers.size) * 1000) / 10} %` : '—' };
}

/**
 * The contract page's section on child workers (its own partial): how many workers are engaged and
 * the share of child directors among them, the ceiling and what claims hold of it, the caps in
 * force, and the contract's claims by status, with the links the actor may follow.
 */
export async function contractClaimsSection(actor: Actor, c: Contract, lang: Lang) {
  const { t } = lang;
  const [engagements, reserved, caps, byStatus] = await Promise.all([
    engagementsOf(c.id),
    reservedOf(c.id),
    capsOf(c.id),
    Claim.count({ where: { [Op.and]: [claimScope(actor), { contractId: c.id }] }, group: ['status'] }) as unknown as Promise<
      { status: string; count: number }[]
    >,
  ]);
  const counts = new Map(byStatus.map((r) => [r.status, Number(r.count)]));
  return {
    ...directorShare(engagements),
    ceiling: formatFen(c.reimbursementCeilingFen),
    reserved: formatFen(reserved),
    left: formatFen(Math.max(0, c.reimbursementCeilingFen - reserved)),
    caps: {
      transport: formatFen(caps.transport),
      communication: formatFen(caps.communication),
      source: t(caps.own ? 'claims.caps.contract' : 'claims.caps.city'),
    },
    statuses: CLAIM_STATUSES.filter((s) => counts.get(s)).map((s) => ({
      label: t(`claims.status.${s}`),
      count: counts.get(s),
      href: `${CLAIMS_PATH}?contractId=${c.id}&status=${s}`,
    })),
    engagementsHref: `/contracts/${c.id}/engagements`,
    claimsHref: `${CLAIMS_PATH}?contractId=${c.id}`,
    newClaimHref: `${CLAIMS_PATH}/new?contractId=${c.id}`,
    can: {
      engagements: can(actor, 'list', ENGAGEMENT_RESOURCE, c),
      newClaim: can(actor, 'create', CLAIM_RESOURCE, c) && c.status === 'active',
      setCaps: can(actor, 'set_caps', CLAIM_RESOURCE, c),
    },
  };
}

/** A contract's engagements page: who is engaged when, the director share, and the form (organisation, active contract). */
export async function engagementsPage(actor: Actor, c: Contract, lang: Lang) {
  const engagements = await engagementsOf(c.id);
  return {
    contract: { id: c.id, number: c.number, href: `/contracts/${c.id}`, termStart: c.termStart, termEnd: c.termEnd },
    rows: engagements.map((e) => ({
      id: e.id,
      workerName: e.worker?.name ?? '',
      workerKind: e.worker ? lang.t(`workers.kinds.${e.worker.kind}`) : '',
      idMasked: e.worker?.idNumberMasked ?? '',
      startsOn: e.startsOn,
      endsOn: e.endsOn,
      workerHref: `/workers/${e.childWorkerId}`,
    })),
    ...directorShare(engagements),
    can: { create: can(actor, 'create', ENGAGEMENT_RESOURCE, c) && c.status === 'active', readWorker: can(actor, 'list', 'child_worker') },
  };
}

/** The new-claim form: the contract's engagements to choose from, and the current month. */
export async function newClaimPage(c: Contract, lang: Lang) {
  const engagements = await engagementsOf(c.id);
  return {
    contract: { id: c.id, number: c.number },
    engagements: engagements.map((e) => ({ value: e.id, label: `${e.worker?.name ?? ''} ${e.worker?.idNumberMasked ?? ''} · ${e.startsOn} – ${e.endsOn}` })),
    defaultMonth: shanghaiToday().slice(0, 7),
    lang: lang.locale,
  };
}

/** A worker page's section: their claims within what the actor may see, newest month first. */
export async function workerClaimsSection(actor: Actor, workerId: number, lang: Lang) {
  if (!can(actor, 'list', CLAIM_RESOURCE)) return null;
  const rows = await Claim.findAll({
    where: { [Op.and]: [claimScope(actor), { childWorkerId: workerId }] },
    include: [
      { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
      { model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] },
    ],
    order: [
      ['month', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: 100,
  });
  return { rows: rows.map((c) => claimSummary(c, lang)), allHref: `${CLAIMS_PATH}?childWorkerId=${workerId}` };
}

export type TotalsRow = {
  month: string;
  districtId: number;
  district: string;
  organisationId: number;
  organisation: string;
  count: number;
  claimedFen: number;
  approvedFen: number;
  paidFen: number;
};

/**
 * Monthly totals per organisation and district of the actor's claims of a year (submitted and
 * beyond): what was claimed, approved (approved or paid) and paid. One grouped query.
 */
export async function claimTotals(actor: Actor, query: ClaimTotalsQuery, lang: Lang): Promise<TotalsRow[]> {
  const year = query.year ?? Number(shanghaiToday().slice(0, 4));
  const where: string[] = ['c.month LIKE ?', "c.status IN ('submitted', 'verified', 'approved', 'paid')"];
  const replacements: unknown[] = [`${year}-%`];
  const scope = claimScope(actor) as { organisationId?: number; districtId?: number };
  const and = (sql: string, value: unknown) => {
    where.push(sql);
    replacements.push(value);
  };
  if (scope.organisationId !== undefined) and('c.organisation_id = ?', scope.organisationId);
  if (scope.districtId !== undefined) and('c.district_id = ?', scope.districtId);
  if (query.districtId) and('c.district_id = ?', query.districtId);
  const rows = await getSequelize().query<Record<string, string | number>>(
    `SELECT c.month AS month, c.district_id AS district_id, d.name AS district, d.name_en AS district_en, c.organisation_id AS organisation_id, o.name AS organisation,
       COUNT(*) AS n, SUM(c.total_fen) AS claimed,
       SUM(CASE WHEN c.status IN ('approved', 'paid') THEN c.total_fen ELSE 0 END) AS approved,
       SUM(CASE WHEN c.status = 'paid' THEN c.total_fen ELSE 0 END) AS paid
     FROM claims c JOIN districts d ON d.id = c.district_id JOIN organisations o ON o.id = c.organisation_id
     WHERE ${where.join(' AND ')}
     GROUP BY c.month, c.district_id, d.name, d.name_en, d.sort_order, c.organisation_id, o.name
     ORDER BY c.month, d.sort_order, o.name`,
    { replacements, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    month: String(r.month),
    districtId: Number(r.district_id),
    district: String(lang.locale === 'en' ? r.district_en : r.district),
    organisationId: Number(r.organisation_id),
    organisation: String(r.organisation),
    count: Number(r.n),
    claimedFen: Number(r.claimed),
    approvedFen: Number(r.approved),
    paidFen: Number(r.paid),
  }));
}

export function totalsExportColumns(lang: Lang): ExportColumn<TotalsRow>[] {
  const f = (k: string) => lang.t(`claims.fields.${k}`);
  return [
    { header: f('month'), value: (r) => r.month },
    { header: f('district'), value: (r) => r.district },
    { header: f('organisation'), value: (r) => r.organisation },
    { header: f('count'), value: (r) => r.count },
    { header: lang.t('claims.totals.claimed'), value: (r) => fenToInput(r.claimedFen) },
    { header: lang.t('claims.totals.approved'), value: (r) => fenToInput(r.approvedFen) },
    { header: lang.t('claims.totals.paid'), value: (r) => fenToInput(r.paidFen) },
  ];
}

/** The totals page's view model. */
export async function claimTotalsPage(actor: Actor, query: ClaimTotalsQuery, lang: Lang) {
  const rows = await claimTotals(actor, query, lang);
  const year = query.year ?? Number(shanghaiToday().slice(0, 4));
  const base = `${CLAIMS_PATH}/totals?year=${year}${query.districtId ? `&districtId=${query.districtId}` : ''}`;
  const sum = (k: 'claimedFen' | 'approvedFen' | 'paidFen') => formatFen(rows.reduce((s, r) => s + r[k], 0));
  return {
    year,
    districtId: query.districtId ? String(query.districtId) : '',
    rows: rows.map((r) => ({ ...r, claimed: formatFen(r.claimedFen), approved: formatFen(r.approvedFen), paid: formatFen(r.paidFen) })),
    sums: { claimed: sum('claimedFen'), approved: sum('approvedFen'), paid: sum('paidFen') },
    csvHref: `${base}&format=csv`,
    xlsxHref: `${base}&format=xlsx`,
    can: canMap(actor, CLAIM_RESOURCE, ['export']),
  };
}

/** The start page's claim cards: an officer's claims to verify, finance's to approve, an organisation's returned and open claims. */
export async function claimDashboardCards(actor: Actor): Promise<DashboardCard[]> {
  if (actor.role === 'officer' || actor.role === 'finance') {
    const value = await Claim.count({ where: claimQueueWhere(actor) });
    return [{ labelKey: actor.role === 'officer' ? 'claims.dashboard.toVerify' : 'claims.dashboard.toApprove', value, href: `${CLAIMS_PATH}/queue` }];
  }
  if (actor.role !== 'org') return [];
  const own = claimScope(actor);
  const [returned, open] = await Promise.all([
    Claim.count({ where: { [Op.and]: [own, { status: 'returned' }] } }),
    Claim.count({ where: { [Op.and]: [own, { status: ['submitted', 'verified', 'approved'] }] } }),
  ]);
  return [
    { labelKey: 'claims.dashboard.returned', value: returned, href: `${CLAIMS_PATH}?status=returned` },
    { labelKey: 'claims.dashboard.open', value: open, href: CLAIMS_PATH },
  ];
}

/** Loads a contract for the claims pages through the actor's scope (organisation: their own; staff: their district), else 404. */
export async function loadClaimsContract(actor: Actor, id: number): Promise<Contract> {
  const c = await Contract.findOne({ where: { [Op.and]: [claimScope(actor), { id }] } });
  if (!c) throw new NotFoundError();
  return c;
}
