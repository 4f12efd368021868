import { Deliverable } from '../../models/Deliverable.js';
import { Organisation, type User } from '../../models/index.js';
import type { TargetInput } from '../../server/schemas/contracts.js';
import type { MilestoneCondition } from '../../server/commands/deliverables/milestoneConditions.js';
import { reportingScheduleSetter } from '../../server/commands/deliverables/reportingScheduleSetter.js';
import type { ReportingFrequency } from '../../models/ReportingSchedule.js';
import { type BuiltContract, buildContract } from './contracts.js';
import { actorOf } from './finance.js';
import { buildUser } from './index.js';

export type BuiltDeliverables = BuiltContract & { orgUser: User; deliverables: Deliverable[] };

/**
 * An active 2026 contract (福田 unless told) with its targets (default: 600 home visits), a
 * reporting schedule (quarterly, due 10 days after each quarter, unless told) set by its officer,
 * the deliverables that schedule makes due, and a user of the contracted organisation (given
 * officer and organisation user: theirs, e.g. the demo accounts in browser tests).
 */
export async function buildDeliverableContract(
  attrs: {
    targets?: TargetInput[];
    frequency?: ReportingFrequency;
    dates?: string[];
    graceDays?: number;
    milestones?: (c: BuiltContract) => Promise<MilestoneCondition[]>;
    districtCode?: string;
    officer?: User;
    finance?: User;
    orgUser?: User;
    year?: number;
  } = {},
): Promise<BuiltDeliverables> {
  const organisation = attrs.orgUser?.organisationId ? ((await Organisation.findByPk(attrs.orgUser.organisationId)) ?? undefined) : undefined;
  const built = await buildContract({
    status: 'active',
    districtCode: attrs.districtCode,
    officer: attrs.officer,
    finance: attrs.finance,
    organisation,
    terms: attrs.targets ? { targets: attrs.targets } : {},
    year: attrs.year,
  });
  const milestones = attrs.milestones ? await attrs.milestones(built) : [];
  await reportingScheduleSetter(
    built.contract.id,
    { frequency: attrs.frequency ?? 'quarterly', graceDays: attrs.graceDays ?? 10, dates: attrs.dates ?? [], milestones },
    { actor: actorOf(built.officer) },
  );
  const orgUser = attrs.orgUser ?? (await buildUser('org', { organisation: built.organisation, districtCode: attrs.districtCode })).user;
  const deliverables = await Deliverable.findAll({
    where: { contractId: built.contract.id },
    order: [
      ['dueOn', 'ASC'],
      ['categoryCode', 'ASC'],
    ],
  });
  return { ...built, orgUser, deliverables };
}
