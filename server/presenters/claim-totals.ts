import { QueryTypes } from 'sequelize';
import { thisYear } from '../clock.js';
import { getSequelize } from '../db.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, canMap } from '../policies/index.js';
import { CLAIM_RESOURCE, claimScope } from '../policies/claim.js';
import type { ClaimTotalsQuery } from '../schemas/claims.js';
import type { ExportColumn } from '../services/export.js';
import { fenToInput, formatFen } from '../services/money.js';
import { CLAIMS_PATH } from './claims.js';

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
 * beyond): what was claimed (as handed in), approved (approved or paid, as sanctioned) and paid.
 * One grouped query.
 */
export async function claimTotals(actor: Actor, query: ClaimTotalsQuery, lang: Lang): Promise<TotalsRow[]> {
  const year = query.year ?? thisYear();
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
       COUNT(*) AS n, SUM(c.claimed_fen) AS claimed,
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
  const year = query.year ?? thisYear();
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
