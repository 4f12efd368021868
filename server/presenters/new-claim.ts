import { Op, type WhereOptions } from 'sequelize';
import { ChildWorker } from '../../models/ChildWorker.js';
import { Contract } from '../../models/Contract.js';
import { Engagement } from '../../models/Engagement.js';
import { Project } from '../../models/Project.js';
import { today } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { CLAIM_RESOURCE, claimScope } from '../policies/claim.js';
import { engagementsOf } from './engagements.js';

const engagementLabel = (e: Engagement) => `${e.worker?.name ?? ''} ${e.worker?.idNumberMasked ?? ''} · ${e.startsOn} – ${e.endsOn}`;

/** The new-claim form: the contract's engagements to choose from, and the current month. */
export async function newClaimPage(c: Contract, lang: Lang) {
  const engagements = await engagementsOf(c.id);
  return {
    contract: { id: c.id, number: c.number },
    engagements: engagements.map((e) => ({ value: e.id, label: engagementLabel(e) })),
    defaultMonth: today().slice(0, 7),
    lang: lang.locale,
  };
}

/**
 * The claims page's start of a claim (#12): the workers the organisation engages on each of its
 * active contracts, grouped by contract, and the month. When nothing can be claimed it says why and
 * who fixes it: no active contract (the purchasing body's officer drafts and activates contracts),
 * or nobody engaged (the organisation engages on the contract's engagements page, and only workers
 * the district officer has registered and trained). Two queries.
 */
export async function claimStartPage(actor: Actor, lang: Lang) {
  const contracts = (
    await Contract.findAll({
      where: { [Op.and]: [claimScope(actor), { status: 'active' }] } as WhereOptions<Contract>,
      include: [{ model: Project, as: 'project', attributes: ['id', 'title'] }],
      order: [
        ['termEnd', 'DESC'],
        ['id', 'DESC'],
      ],
    })
  ).filter((c) => can(actor, 'create', CLAIM_RESOURCE, c));
  const engagements = contracts.length
    ? await Engagement.findAll({
        where: { contractId: contracts.map((c) => c.id) },
        include: [{ model: ChildWorker, as: 'worker', attributes: ['id', 'name', 'kind', 'idNumberMasked'] }],
        order: [
          ['startsOn', 'ASC'],
          ['id', 'ASC'],
        ],
      })
    : [];
  const groups = contracts
    .map((c) => ({
      label: [c.number, c.project?.title].filter(Boolean).join(' · '),
      options: engagements.filter((e) => e.contractId === c.id).map((e) => ({ value: e.id, label: engagementLabel(e) })),
    }))
    .filter((g) => g.options.length);
  const blocked = !contracts.length
    ? { reason: 'noActiveContract', text: lang.t('claims.start.noActiveContract'), links: [] }
    : !groups.length
      ? {
          reason: 'noEngagement',
          text: lang.t('claims.start.noEngagement'),
          links: contracts.map((c) => ({ href: `/contracts/${c.id}/engagements`, label: lang.t('claims.start.engageOn', { number: c.number }) })),
        }
      : null;
  return { groups, blocked, defaultMonth: today().slice(0, 7) };
}
