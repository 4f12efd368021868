import { col, Op, type Transaction } from 'sequelize';
import { Agency } from '../../../models/Agency.js';
import { Award } from '../../../models/Award.js';
import { CatalogueItem } from '../../../models/CatalogueItem.js';
import { Contract } from '../../../models/Contract.js';
import { ContractVersion } from '../../../models/ContractVersion.js';
import { District } from '../../../models/District.js';
import { Instalment } from '../../../models/Instalment.js';
import { OcdsRelease } from '../../../models/OcdsRelease.js';
import { Organisation } from '../../../models/Organisation.js';
import { Payment } from '../../../models/Payment.js';
import { OCDS_PROCUREMENT_METHOD, Project, type ProjectStatus } from '../../../models/Project.js';
import { ProjectItem } from '../../../models/ProjectItem.js';
import { ServiceCategory } from '../../../models/ServiceCategory.js';
import { now } from '../../clock.js';
import { translator } from '../../i18n/index.js';
import { findPersonalNumbers } from '../identifiers.js';
import { agencyPartyId, organisationPartyId, USCC_SCHEME } from './identifiers.js';

/** The closed `releaseTag` codelist values this system writes. */
export type ReleaseTag =
  | 'planning'
  | 'planningUpdate'
  | 'tender'
  | 'tenderCancellation'
  | 'award'
  | 'awardCancellation'
  | 'contract'
  | 'contractAmendment'
  | 'implementation'
  | 'contractTermination';

/** An OCDS release as JSON (the schema is checked by the tests against the official one). */
export type Release = Record<string, unknown> & { ocid: string; id: string; date: string; tag: ReleaseTag[] };

const zh = translator('zh-CN');
const en = translator('en');
const CURRENCY = 'CNY';

/** The project's status as the tender's (closed codelist `tenderStatus`). */
const TENDER_STATUS: Record<ProjectStatus, string> = {
  planning: 'planning',
  tendering: 'active',
  awarded: 'complete',
  contracted: 'complete',
  closed: 'complete',
  cancelled: 'cancelled',
};

/** Fen as an OCDS `Value` in yuan. */
function value(fen: number) {
  return { amount: fen / 100, currency: CURRENCY };
}

/** A Beijing calendar day as an OCDS date-time (its midnight, +08:00). */
function day(d: string | null | undefined): string | undefined {
  return d ? `${d}T00:00:00+08:00` : undefined;
}

/**
 * Free text written by staff, as published: ID-card and mobile numbers are never published, even
 * when someone typed one into a reason (DOMAIN.md "Nothing about natural persons leaves in OCDS").
 */
export function publicText(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  let out = text;
  for (const f of findPersonalNumbers(text).reverse()) out = `${out.slice(0, f.start)}［已隐去］${out.slice(f.end)}`;
  return out.trim() || undefined;
}

/** Drops undefined fields (JSON would, but the releases are also compared as objects). */
function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Payments a release lists as transactions: those paid since the project's previous release (a
 * day's margin against clocks of several app processes; a transaction listed twice merges into
 * one by its id). Every payment writes a release in its own transaction, so each is listed at
 * least once, and a contract paid hundreds of claims does not repeat all of them in every
 * release (which would grow with the square of the payments).
 */
const TRANSACTION_MARGIN_MS = 24 * 3600_000;
function paidSince(previousAt: Date | null) {
  return previousAt ? { paidAt: { [Op.gte]: new Date(previousAt.getTime() - TRANSACTION_MARGIN_MS) } } : {};
}

/**
 * The release of project `projectId` as its records stand inside `transaction`: every release
 * carries all that is known of the contracting process at that moment, but for the payments,
 * which it lists from the previous release on (`paidSince`); by the merge rules the compiled
 * release is the latest state, every transaction included, and the versioned release its history. Organisations appear by their unified
 * social credit code (scheme CN-USCC); no natural person (no legal representative, contact, child
 * worker, user) is read, let alone written.
 */
export async function buildRelease(
  projectId: number,
  tags: ReleaseTag[],
  seq: number,
  transaction: Transaction,
  previousAt: Date | null = null,
): Promise<Release> {
  const project = await Project.findByPk(projectId, { transaction, rejectOnEmpty: true });
  const ocid = project.ocid ?? '';
  const [agency, district, lines, awards, contracts] = await Promise.all([
    Agency.findByPk(project.agencyId, { transaction, rejectOnEmpty: true }),
    District.findByPk(project.districtId, { transaction, rejectOnEmpty: true }),
    ProjectItem.findAll({
      where: { projectId },
      include: [{ model: CatalogueItem, as: 'catalogueItem', include: [{ model: ServiceCategory, as: 'category', attributes: ['code', 'nameEn'] }] }],
      order: [['id', 'ASC']],
      transaction,
    }),
    Award.findAll({
      where: { projectId },
      include: [{ model: Organisation, as: 'organisation', include: [{ model: District, as: 'district' }] }],
      order: [['id', 'ASC']],
      transaction,
    }),
    // A draft is not yet signed: a contract is published from its activation on.
    Contract.findAll({ where: { projectId, status: { [Op.ne]: 'draft' } }, order: [['id', 'ASC']], transaction }),
  ]);
  const contractIds = contracts.map((c) => c.id);
  const [instalments, payments, versions, payees] = contractIds.length
    ? await Promise.all([
        Instalment.findAll({ where: { contractId: contractIds }, order: [['seq', 'ASC']], transaction }),
        Payment.findAll({ where: { contractId: contractIds, status: 'paid', ...paidSince(previousAt) }, order: [['id', 'ASC']], transaction }),
        ContractVersion.findAll({ where: { contractId: contractIds, version: { [Op.gt]: 1 } }, order: [['version', 'ASC']], transaction }),
        // Who was ever paid (the roles payer and payee), whatever this release lists.
        Payment.findAll({ where: { contractId: contractIds, status: 'paid' }, attributes: ['organisationId'], group: [col('organisation_id')], transaction }),
      ])
    : [[], [], [], []];
  const paidOrganisations = new Set(payees.map((p) => p.organisationId));

  const buyer = { id: agencyPartyId(agency.id), name: agency.name };
  const parties: Record<string, unknown>[] = [
    {
      ...buyer,
      address: { region: district.name, locality: '深圳市', countryName: '中国' },
      roles: paidOrganisations.size ? ['buyer', 'procuringEntity', 'payer'] : ['buyer', 'procuringEntity'],
    },
  ];
  const suppliers = new Map<number, { id: string; name: string }>();
  for (const a of awards) {
    const o = a.organisation;
    if (!o || suppliers.has(o.id)) continue;
    suppliers.set(o.id, { id: organisationPartyId(o.uscc), name: o.name });
    const paid = paidOrganisations.has(o.id);
    parties.push({
      id: organisationPartyId(o.uscc),
      name: o.name,
      identifier: { scheme: USCC_SCHEME, id: o.uscc, legalName: o.name },
      address: clean({ region: o.district?.name, locality: '深圳市', countryName: '中国' }),
      roles: paid ? ['supplier', 'payee'] : ['supplier'],
    });
  }

  // The English title (the schema's language variant `title_en`): the project's district, year and
  // the services it buys, in the reference data's English names.
  const titleEn = englishTitle(project, district, lines);
  const method = project.procurementMethod;
  const release: Release = {
    ocid,
    id: `${ocid}-${seq}`,
    date: now().toISOString(),
    tag: tags,
    initiationType: 'tender',
    language: 'zh',
    parties,
    buyer,
    planning: clean({
      rationale: publicText(project.targetGroup),
      budget: { id: 'budget', description: zh('ocds.budget'), description_en: en('ocds.budget'), amount: value(project.budgetFen) },
    }),
    tender: {
      id: `${ocid}-tender`,
      title: project.title,
      title_en: titleEn,
      status: TENDER_STATUS[project.status as ProjectStatus],
      procurementMethod: OCDS_PROCUREMENT_METHOD[method],
      procurementMethodDetails: zh(`projects.method.${method}`),
      procurementMethodDetails_en: en(`projects.method.${method}`),
      // The extension's field: the Chinese method itself, where the OCDS codelist has no code for it.
      chineseProcurementMethod: method,
      mainProcurementCategory: 'services',
      value: value(project.budgetFen),
      procuringEntity: buyer,
      items: lines.map((l) =>
        clean({
          id: `item-${l.id}`,
          description: l.catalogueItem?.name,
          classification: l.catalogueItem ? { scheme: 'x_CareProcureCatalogue', id: l.catalogueItem.code, description: l.catalogueItem.name } : undefined,
          quantity: l.quantity,
          unit: { name: l.catalogueItem?.unit ?? '', value: value(l.unitPriceFen) },
        }),
      ),
    },
  };
  if (!lines.length) delete (release.tender as Record<string, unknown>).items;

  if (awards.length) {
    release.awards = awards.map((a) =>
      clean({
        id: `award-${a.id}`,
        title: project.title,
        title_en: titleEn,
        status: a.status === 'active' ? 'active' : 'cancelled',
        date: a.awardedAt.toISOString(),
        value: value(a.amountFen),
        suppliers: a.organisation ? [suppliers.get(a.organisation.id)] : undefined,
      }),
    );
  }
  if (contracts.length) {
    release.contracts = contracts.map((c) => {
      const supplier = suppliers.get(c.organisationId);
      const own = instalments.filter((i) => i.contractId === c.id);
      const paid = payments.filter((p) => p.contractId === c.id);
      const amendments = versions.filter((v) => v.contractId === c.id);
      return clean({
        id: `contract-${c.id}`,
        awardID: `award-${c.awardId}`,
        title: `${project.title}（${c.number}）`,
        title_en: en('ocds.contractTitle', { title: titleEn, number: c.number }),
        description: publicText(c.content),
        status: c.status === 'active' ? 'active' : 'terminated',
        period: { startDate: day(c.termStart), endDate: day(c.termEnd) },
        value: value(c.valueFen),
        dateSigned: day(c.signedOn),
        documents: c.announcementUrl
          ? [
              clean({
                id: 'announcement',
                documentType: 'contractNotice',
                title: zh('ocds.contractNotice'),
                title_en: en('ocds.contractNotice'),
                url: c.announcementUrl,
                datePublished: day(c.announcedOn),
              }),
            ]
          : undefined,
        milestones: own.length ? own.map((i) => milestoneOf(c, i)) : undefined,
        amendments: amendments.length
          ? amendments.map((v) =>
              clean({
                id: `version-${v.version}`,
                date: v.createdAt.toISOString(),
                rationale: publicText(v.reason),
                description: zh('ocds.amendment', { version: v.version }),
                description_en: en('ocds.amendment', { version: v.version }),
              }),
            )
          : undefined,
        implementation: paid.length
          ? {
              transactions: paid.map((p) =>
                clean({
                  id: `payment-${p.id}`,
                  date: day(p.paidOn),
                  value: value(p.amountFen),
                  payer: buyer,
                  payee: supplier,
                }),
              ),
            }
          : undefined,
      });
    });
  }
  return release;
}

/**
 * The project's title in English for the schema's language variants (`title_en`): the records hold
 * the title in Chinese only, so it is said from the reference data's English names — the district,
 * the budget year and the service categories bought (in the order of the project's lines) — e.g.
 * "2026 child-care services, Futian (Home visits, Case management)".
 */
function englishTitle(project: Project, district: District, lines: ProjectItem[]): string {
  const services = [...new Set(lines.map((l) => l.catalogueItem?.category?.nameEn).filter((n): n is string => Boolean(n)))];
  return services.length
    ? en('ocds.tenderTitle', { district: district.nameEn, year: project.year, services: services.join(', ') })
    : en('ocds.tenderTitlePlain', { district: district.nameEn, year: project.year });
}

/**
 * An instalment as a payment milestone. One cancelled because an amendment replaced the schedule
 * (or before the contract ended) is REMOVED by the OCDS merge rules, every field but its id set
 * to null; one cancelled by the termination was not met.
 */
function milestoneOf(contract: Contract, i: Instalment): Record<string, unknown> {
  const id = `instalment-${i.id}`;
  if (i.status === 'cancelled' && (contract.status !== 'terminated' || i.versionFrom < contract.versionNumber)) {
    return { id, title: null, title_en: null, type: null, status: null, dueDate: null, dateMet: null, description: null };
  }
  const met = !['scheduled', 'cancelled'].includes(i.status);
  return clean({
    id,
    title: zh('ocds.instalment', { seq: i.seq }),
    title_en: en('ocds.instalment', { seq: i.seq }),
    type: 'payment',
    status: i.status === 'cancelled' ? 'notMet' : met ? 'met' : 'scheduled',
    dueDate: day(i.dueOn),
    description: publicText(`${i.milestone}（${(i.amountFen / 100).toFixed(2)} 元）`),
  });
}

/**
 * Appends the release of an event of project `projectId` (one call per event, inside the command's
 * transaction, so the release exists exactly when the change does). Returns the stored row.
 */
export async function recordRelease(projectId: number, tags: ReleaseTag[], transaction: Transaction): Promise<OcdsRelease> {
  const project = await Project.findByPk(projectId, { transaction, attributes: ['id', 'ocid', 'districtId', 'year'], rejectOnEmpty: true });
  const last = await OcdsRelease.findOne({ where: { projectId }, order: [['seq', 'DESC']], attributes: ['seq', 'releasedAt'], transaction });
  const seq = (last?.seq ?? 0) + 1;
  const release = await buildRelease(projectId, tags, seq, transaction, last?.releasedAt ?? null);
  return OcdsRelease.create(
    {
      projectId,
      ocid: release.ocid,
      seq,
      releaseId: release.id,
      tags: tags.join(','),
      releasedAt: new Date(release.date),
      districtId: project.districtId,
      year: project.year,
      data: JSON.stringify(release),
    },
    { transaction },
  );
}
