import { ChildWorker } from '../../models/ChildWorker.js';
import type { Contract } from '../../models/Contract.js';
import { Engagement } from '../../models/Engagement.js';
import { Claim } from '../../models/Claim.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, can } from '../policies/index.js';
import { ENGAGEMENT_RESOURCE } from '../policies/claim.js';
import { editFormValues, type FormValues } from './stale-edit.js';
import { workerName } from './format.js';

/** The engagements of a contract with their workers (one query). */
export function engagementsOf(contractId: number) {
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
export function directorShare(engagements: readonly Engagement[]) {
  const workers = new Map(engagements.map((e) => [e.childWorkerId, e.worker?.kind]));
  const directors = [...workers.values()].filter((k) => k === 'director').length;
  return { engaged: workers.size, directors, share: workers.size ? `${Math.round((directors / workers.size) * 1000) / 10} %` : '—' };
}

/** The values an engagement's end and correct forms are opened with: its days, under its version (kernel `checkVersion`). */
export function engagementFormValuesOf(e: Engagement): FormValues {
  return editFormValues(e, { startsOn: e.startsOn, endsOn: e.endsOn });
}

/**
 * A contract's engagements page: who is engaged when, the director share, the form (organisation,
 * active contract), and per engagement its claims and whether it may be ended, corrected or removed
 * (only one without claims).
 */
export async function engagementsPage(actor: Actor, c: Contract, lang: Lang) {
  const [engagements, claimed] = await Promise.all([
    engagementsOf(c.id),
    Claim.count({ where: { contractId: c.id }, group: ['engagementId'] }) as unknown as Promise<{ engagementId: number; count: number }[]>,
  ]);
  const claimsOf = new Map(claimed.map((r) => [Number(r.engagementId), Number(r.count)]));
  const changes = can(actor, 'update', ENGAGEMENT_RESOURCE, c) && c.status === 'active';
  const removes = can(actor, 'delete', ENGAGEMENT_RESOURCE, c) && c.status === 'active';
  return {
    contract: { id: c.id, number: c.number, href: `/contracts/${c.id}`, termStart: c.termStart, termEnd: c.termEnd },
    rows: engagements.map((e) => ({
      id: e.id,
      workerName: workerName(e.worker, lang.t),
      workerKind: e.worker ? lang.t(`workers.kinds.${e.worker.kind}`) : '',
      idMasked: e.worker?.idNumberMasked ?? '',
      startsOn: e.startsOn,
      endsOn: e.endsOn,
      workerHref: `/workers/${e.childWorkerId}`,
      claims: claimsOf.get(e.id) ?? 0,
      href: `/contracts/${c.id}/engagements/${e.id}`,
      can: { change: changes, remove: removes && !claimsOf.get(e.id) },
      form: engagementFormValuesOf(e),
    })),
    ...directorShare(engagements),
    can: { create: can(actor, 'create', ENGAGEMENT_RESOURCE, c) && c.status === 'active', change: changes, readWorker: can(actor, 'list', 'child_worker') },
  };
}
