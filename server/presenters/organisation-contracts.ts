import { Op, type WhereOptions } from 'sequelize';
import { Contract, type ContractStatus } from '../../models/Contract.js';
import type { Organisation } from '../../models/index.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { CONTRACT_RESOURCE, contractScope } from '../policies/contract.js';
import { progressOfContracts } from '../services/deliverable-progress.js';
import { CategorySets } from '../services/service-categories.js';
import { formatFen } from '../services/money.js';
import { CONTRACT_PLACE, CONTRACT_STATUS_CLASS, CONTRACTS_PATH } from './contracts.js';
import { progressPercent, targetMetricLabel } from './deliverables.js';

/** How many contracts the organisation's page lists before pointing to the contract list. */
const SHOWN = 20;

/**
 * The contracts section of an organisation's page (#12): the organisation's contracts the actor
 * may see (the contract scope: an officer their district's, the organisation its own), newest
 * term first, each with its status, value, term and progress against its targets; when there are
 * more than the page shows, a link to all of them in the contract list. Empty, it says who makes
 * contracts, with the officer's way to them. A constant number of queries.
 */
export async function organisationContractsSection(actor: Actor, organisation: Organisation, lang: Lang) {
  const where = { [Op.and]: [contractScope(actor), { organisationId: organisation.id }] } as WhereOptions<Contract>;
  const { rows, count } = await Contract.findAndCountAll({
    where,
    include: CONTRACT_PLACE,
    order: [
      ['termEnd', 'DESC'],
      ['id', 'DESC'],
    ],
    limit: SHOWN,
  });
  const sets = new CategorySets();
  const [progress, versions] = await Promise.all([progressOfContracts(rows.map((c) => c.id)), Promise.all(rows.map((c) => sets.forContract(c)))]);
  return {
    rows: rows.map((c, i) => ({
      id: c.id,
      href: `${CONTRACTS_PATH}/${c.id}`,
      number: c.number,
      projectTitle: c.project?.title ?? '',
      statusLabel: lang.t(`contracts.status.${c.status}`),
      statusClass: CONTRACT_STATUS_CLASS[c.status as ContractStatus],
      value: formatFen(c.valueFen),
      term: `${c.termStart} – ${c.termEnd}`,
      progress: (progress.get(c.id) ?? []).map((p) => ({
        label: `${versions[i].categoryName(p.categoryCode, lang.locale)} · ${targetMetricLabel(p.categoryCode, p.metric, lang, versions[i])}`,
        accepted: p.accepted,
        target: p.target,
        percent: progressPercent(p.accepted, p.target),
      })),
    })),
    count,
    allHref: count > SHOWN ? `${CONTRACTS_PATH}?organisationId=${organisation.id}` : null,
    // Who provides what is missing: contracts come from an award, drafted by the purchasing body's officer.
    emptyHint: lang.t(can(actor, 'create', CONTRACT_RESOURCE) ? 'organisations.contractsSection.emptyOfficer' : 'organisations.contractsSection.empty'),
    createHref: can(actor, 'create', CONTRACT_RESOURCE) ? '/projects?status=awarded' : null,
  };
}
