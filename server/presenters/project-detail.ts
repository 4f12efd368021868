import { publishedLinksOf } from '../services/ocds/packages.js';
import { Op } from 'sequelize';
import { Award } from '../../models/Award.js';
import { CatalogueItem } from '../../models/CatalogueItem.js';
import { AuditEvent, District, Organisation, User } from '../../models/index.js';
import { OrganisationStatusChange } from '../../models/OrganisationStatusChange.js';
import { MANUAL_PROJECT_TRANSITIONS, PROJECT_TRANSITIONS, Project } from '../../models/Project.js';
import { ProjectItem } from '../../models/ProjectItem.js';
import { awardRefusal } from '../commands/projects/projectAwarder.js';
import { today } from '../clock.js';
import { Contract } from '../../models/Contract.js';
import { type Actor, can as allowed, canMap, movesOf } from '../policies/index.js';
import { PROJECT_RESOURCE } from '../policies/project.js';
import { purchasableItems } from '../services/catalogue.js';
import { fenToInput, formatFen } from '../services/money.js';
import { formatDate, formatDateTime } from './format.js';
import { districtName } from './format.js';
import { projectSummaryOf } from './projects.js';
import { evaluationWarningsOf } from '../commands/evaluations/evaluationWarnings.js';
import { gradeHistory } from './evaluation-admin.js';
import { evaluationSummary } from './evaluations.js';
import type { Lang } from '../i18n/index.js';

/** The audit actions that are steps of a project's life, shown as its history. */
const HISTORY_ACTIONS = ['project.create', 'project.tender', 'project.award', 'project.contract', 'project.close', 'project.cancel'];

const awardSummary = (a: Award, lang: Lang) => ({
  id: a.id,
  organisationName: a.organisation?.name ?? '',
  organisationHref: `/organisations/${a.organisationId}`,
  amount: formatFen(a.amountFen),
  reasons: a.reasons,
  status: a.status,
  statusLabel: lang.t(`projects.awardStatus.${a.status}`),
  awardedAt: formatDateTime(a.awardedAt),
  awardedBy: a.awarder?.displayName ?? '',
  cancelReason: a.cancelReason ?? '',
});

/**
 * A project's page: its facts, its items (each pinned catalogue version), its awards, the history
 * of its moves from the audit trail, and which buttons to show: the policy says who may act, the
 * transition table what makes sense now. A constant number of queries.
 */
export async function projectDetailPage(actor: Actor, project: Project, lang: Lang) {
  const { t } = lang;
  const [items, awards, events] = await Promise.all([
    ProjectItem.findAll({
      where: { projectId: project.id },
      include: [{ model: CatalogueItem, as: 'catalogueItem', attributes: ['id', 'code', 'name', 'unit', 'version', 'status'] }],
      order: [['id', 'ASC']],
    }),
    Award.findAll({
      where: { projectId: project.id },
      include: [
        { model: Organisation, as: 'organisation', attributes: ['id', 'name'] },
        { model: User, as: 'awarder', attributes: ['id', 'displayName'] },
      ],
      order: [
        ['awardedAt', 'DESC'],
        ['id', 'DESC'],
      ],
    }),
    AuditEvent.findAll({
      where: { recordType: 'project', recordId: String(project.id), action: { [Op.in]: HISTORY_ACTIONS } },
      order: [['seq', 'ASC']],
    }),
  ]);
  const can: Record<string, boolean> = {
    ...canMap(actor, PROJECT_RESOURCE, ['update', 'edit_items'], project),
    ...movesOf(actor, PROJECT_RESOURCE, PROJECT_TRANSITIONS, project, ['award', ...MANUAL_PROJECT_TRANSITIONS]),
  };
  const planning = project.status === 'planning';
  can.update &&= planning;
  can.edit_items &&= planning;
  const total = items.reduce((sum, i) => sum + i.quantity * i.unitPriceFen, 0);
  // An awarded project goes on to its contract: the draft if one exists, else a new one.
  let contractLink: { href: string; labelKey: string } | null = null;
  if (allowed(actor, 'update', PROJECT_RESOURCE, project) && allowed(actor, 'create', 'contract')) {
    const contract = await Contract.findOne({ where: { projectId: project.id }, order: [['id', 'DESC']], attributes: ['id', 'status'] });
    if (contract && contract.status !== 'terminated') contractLink = { href: `/contracts/${contract.id}`, labelKey: 'projects.actions.openContract' };
    else if (project.status === 'awarded') contractLink = { href: `/contracts/new?projectId=${project.id}`, labelKey: 'projects.actions.newContract' };
  }
  const published = await publishedLinksOf(project.id);
  return {
    contractLink,
    published,
    project: projectSummaryOf(project, lang),
    items: items.map((i) => ({
      id: i.id,
      code: i.catalogueItem?.code ?? '',
      name: i.catalogueItem?.name ?? '',
      version: i.catalogueItem?.version ?? '',
      unit: i.catalogueItem?.unit ?? '',
      href: `/catalogue/${i.catalogueItemId}`,
      quantity: i.quantity,
      unitPrice: formatFen(i.unitPriceFen),
      subtotal: formatFen(i.quantity * i.unitPriceFen),
    })),
    itemsTotal: formatFen(total),
    overBudget: total > project.budgetFen,
    nextStep: nextStepOf(project.status, items.length, contractLink !== null),
    // Tendering needs something to buy: the button stays, disabled, with what it needs.
    tenderBlocked: can.tender && items.length === 0 ? 'projects.next.needsItems' : null,
    awards: awards.map((a) => awardSummary(a, lang)),
    history: events.map((e) => {
      const detail = e.detail ? (JSON.parse(e.detail) as { reason?: string; status?: { to?: string } }) : {};
      return {
        at: formatDateTime(e.at),
        action: t(`projects.history.${e.action.slice('project.'.length)}`),
        by: e.actorName ?? '',
        reason: detail.reason ?? '',
      };
    }),
    can,
  };
}

/**
 * What the project's next step is and what it needs (#12: the next step always in sight):
 * planning → catalogue items, then tendering; tendering → the award; awarded → the contract;
 * contracted → the contract's activation, on the contract's page. Closed and cancelled: none.
 */
function nextStepOf(status: Project['status'], itemCount: number, hasContractLink: boolean): string | null {
  switch (status) {
    case 'planning':
      return itemCount === 0 ? 'projects.next.needsItems' : 'projects.next.tender';
    case 'tendering':
      return 'projects.next.award';
    case 'awarded':
      return hasContractLink ? 'projects.next.contract' : 'projects.next.contractByOfficer';
    case 'contracted':
      return 'projects.next.activate';
    default:
      return null;
  }
}

/** The item form's choices: what the project may buy (published items of its year, district or city). */
export async function projectItemOptions(project: Project, lang: Lang) {
  const items = await purchasableItems({ year: project.year, districtId: project.districtId });
  return [
    { value: '', label: lang.t('projects.items.choose') },
    ...items.map((i) => ({
      value: i.id,
      label: `${i.code} v${i.version} ${i.name}${lang.t('punct.paren', { text: `${formatFen(i.referenceUnitPriceFen)}/${i.unit}` })}`,
    })),
  ];
}

/**
 * The award page: the organisations to choose from, and for the chosen one its status, whether it
 * may win today, its status history and its earlier awards, its evaluation grades (its
 * confirmed evaluations, newest first) and the warnings the award must acknowledge (every 不合格,
 * every open rectification).
 */
export async function awardPage(project: Project, organisationId: number | undefined, lang: Lang) {
  const { t } = lang;
  const organisations = await Organisation.findAll({
    attributes: ['id', 'name', 'status', 'districtId'],
    include: [{ model: District, as: 'district', attributes: ['id', 'name', 'nameEn'] }],
    order: [
      ['name', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  const chosen = organisationId ? organisations.find((o) => o.id === organisationId) : undefined;
  let profile = null;
  if (chosen) {
    const full = await Organisation.findByPk(chosen.id, { include: [{ model: District, as: 'district' }] });
    const [changes, awards, grades, warnings] = await Promise.all([
      OrganisationStatusChange.findAll({
        where: { organisationId: chosen.id },
        order: [
          ['changedAt', 'DESC'],
          ['id', 'DESC'],
        ],
        limit: 20,
      }),
      Award.findAll({
        where: { organisationId: chosen.id },
        include: [{ model: Project, as: 'project', attributes: ['id', 'title', 'year'] }],
        order: [['awardedAt', 'DESC']],
        limit: 20,
      }),
      gradeHistory(chosen.id, lang),
      evaluationWarningsOf(chosen.id),
    ]);
    const refusal = awardRefusal(full, today());
    profile = {
      name: chosen.name,
      href: `/organisations/${chosen.id}`,
      districtName: districtName(full?.district, lang),
      statusLabel: t(`organisations.status.${full?.status ?? 'active'}`),
      ineligibleUntil: full?.ineligibleUntil ?? '',
      refusal,
      history: changes.map((c) => ({
        at: formatDateTime(c.changedAt),
        from: t(`organisations.status.${c.fromStatus}`),
        to: t(`organisations.status.${c.toStatus}`),
        reason: c.reason,
        ineligibleUntil: c.ineligibleUntil ?? '',
      })),
      awards: awards.map((a) => ({
        title: a.project?.title ?? '',
        year: a.project?.year ?? '',
        amount: formatFen(a.amountFen),
        awardedAt: formatDate(a.awardedAt),
        statusLabel: t(`projects.awardStatus.${a.status}`),
      })),
      grades,
      // Every 不合格 and every open rectification, each linked to its evaluation (#12).
      warnings: warnings.map((e) => {
        const x = evaluationSummary(e, lang);
        return { ...x, open: e.consequence === 'rectification' && !e.rectificationClosedAt, failed: e.grade === 'fail' };
      }),
    };
  }
  return {
    project: projectSummaryOf(project, lang),
    budgetInput: fenToInput(project.budgetFen),
    organisations: [
      { value: '', label: t('projects.award.chooseOrganisation') },
      ...organisations.map((o) => ({
        value: o.id,
        label: `${o.name} · ${districtName(o.district, lang)} · ${t(`organisations.status.${o.status}`)}`,
      })),
    ],
    profile,
  };
}
