import { col, fn, Op, type Transaction, type WhereOptions } from 'sequelize';
import type { Deliverable } from '../../models/Deliverable.js';
import { TrainingRecord } from '../../models/TrainingRecord.js';
import { TrainingSession } from '../../models/TrainingSession.js';

/**
 * A training deliverable names its training session (#21, "so the two agree"). The organisation
 * may name a session of its contract's district (a district session: the city's sessions train
 * supervisors, which the city holds itself) held within the deliverable's period.
 */
export function nameableSessionsWhere(d: Pick<Deliverable, 'districtId' | 'periodStart' | 'periodEnd'>): WhereOptions<TrainingSession> {
  return { level: 'district', districtId: d.districtId, heldOn: { [Op.between]: [d.periodStart, d.periodEnd] } };
}

/** The sessions a deliverable may name, by day. */
export function nameableSessions(d: Pick<Deliverable, 'districtId' | 'periodStart' | 'periodEnd'>, transaction?: Transaction): Promise<TrainingSession[]> {
  return TrainingSession.findAll({
    where: nameableSessionsWhere(d),
    attributes: ['id', 'heldOn', 'title', 'trainer'],
    order: [
      ['heldOn', 'ASC'],
      ['id', 'ASC'],
    ],
    transaction,
  });
}

/** Whether the deliverable may name session `id` (a session elsewhere, or outside the period, may not). */
export async function isNameableSession(
  d: Pick<Deliverable, 'districtId' | 'periodStart' | 'periodEnd'>,
  id: number,
  transaction?: Transaction,
): Promise<boolean> {
  return (await TrainingSession.count({ where: { [Op.and]: [nameableSessionsWhere(d), { id }] }, transaction })) === 1;
}

export type SessionResults = { attended: number; passed: number };

/** Results per session (on the roster, passed) for some sessions: one grouped query. */
export async function sessionResultsOf(ids: number[]): Promise<Map<number, SessionResults>> {
  if (!ids.length) return new Map();
  const rows = (await TrainingRecord.findAll({
    where: { trainingSessionId: ids },
    attributes: ['trainingSessionId', 'passed', [fn('COUNT', col('id')), 'n']],
    group: ['trainingSessionId', 'passed'],
    raw: true,
  })) as unknown as { trainingSessionId: number; passed: boolean | number; n: number | string }[];
  const out = new Map<number, SessionResults>();
  for (const r of rows) {
    const e = out.get(r.trainingSessionId) ?? { attended: 0, passed: 0 };
    e.attended += Number(r.n);
    if (r.passed === true || r.passed === 1) e.passed += Number(r.n);
    out.set(r.trainingSessionId, e);
  }
  return out;
}

/**
 * The training deliverable's figures a session also has: the metric key and the session's figure
 * (one session; its roster; those passed). A metric the category's version lacks is not compared.
 */
export const SESSION_FIGURES: { metric: string; figure: (r: SessionResults) => number }[] = [
  { metric: 'sessions', figure: () => 1 },
  { metric: 'trainees', figure: (r) => r.attended },
  { metric: 'passed', figure: (r) => r.passed },
];
