import { Op } from 'sequelize';
import { AllowanceRate } from '../../models/AllowanceRate.js';
import { CHILD_WORKER_KINDS, EMPLOYMENTS } from '../../models/ChildWorker.js';
import type { District } from '../../models/District.js';
import { User } from '../../models/index.js';
import { today } from '../clock.js';
import type { Lang } from '../i18n/index.js';
import { ALLOWANCE_RATE_RESOURCE } from '../policies/allowance.js';
import { type Actor, can } from '../policies/index.js';
import { rateInForce } from '../services/allowance-eligibility.js';
import { addMonths } from '../services/calendar.js';
import { formatFen } from '../services/money.js';
import { allowanceDistricts, lastMonth } from './allowances.js';
import { districtName, formatDateTime } from './format.js';

export const RATES_PATH = '/allowances/rates';

/**
 * A district's allowance schedule page: for each role and employment the amount in force this
 * month and any later change already entered, the whole history of lines (newest first, never
 * overwritten), and the form to add a line. A city-level officer chooses the district; others see theirs.
 */
export async function allowanceRatesPage(actor: Actor, districtId: number | undefined, lang: Lang) {
  const { t } = lang;
  const districts = await allowanceDistricts(actor);
  const district: District | undefined =
    districts.find((d) => d.id === districtId) ?? (actor.cityLevel ? undefined : districts.find((d) => d.id === actor.districtId));
  const rates = district
    ? await AllowanceRate.findAll({
        where: { districtId: district.id },
        order: [
          ['effectiveFrom', 'DESC'],
          ['id', 'DESC'],
        ],
      })
    : [];
  const authors = rates.length
    ? await User.findAll({ where: { id: { [Op.in]: [...new Set(rates.map((r) => r.createdBy))] } }, attributes: ['id', 'displayName'] })
    : [];
  const authorOf = new Map(authors.map((u) => [u.id, u.displayName]));
  const thisMonthFirst = `${today().slice(0, 7)}-01`;
  const inForce = new Set<number>();
  const schedule = CHILD_WORKER_KINDS.flatMap((role) =>
    EMPLOYMENTS.map((employment) => {
      const current = rateInForce(rates, role, employment, thisMonthFirst);
      if (current) inForce.add(current.id);
      const next = rates
        .filter((r) => r.role === role && r.employment === employment && r.effectiveFrom > thisMonthFirst)
        .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1))[0];
      return {
        label: `${t(`workers.kinds.${role}`)} · ${t(`workers.employments.${employment}`)}`,
        role,
        employment,
        amount: current ? formatFen(current.amountFen) : t('allowances.rates.none'),
        since: current ? current.effectiveFrom.slice(0, 7) : '',
        next: next ? t('allowances.rates.nextChange', { amount: formatFen(next.amountFen), month: next.effectiveFrom.slice(0, 7) }) : '',
      };
    }),
  );
  return {
    district: district ? { id: district.id, name: districtName(district, lang) } : null,
    districts: actor.cityLevel ? districts.map((d) => ({ value: d.id, label: districtName(d, lang), selected: d.id === district?.id })) : [],
    schedule,
    history: rates.map((r) => ({
      id: r.id,
      label: `${t(`workers.kinds.${r.role}`)} · ${t(`workers.employments.${r.employment}`)}`,
      amount: formatFen(r.amountFen),
      from: r.effectiveFrom.slice(0, 7),
      note: r.note ?? '',
      by: authorOf.get(r.createdBy) ?? '',
      at: formatDateTime(r.createdAt),
      inForce: inForce.has(r.id),
    })),
    form: {
      roles: CHILD_WORKER_KINDS.map((k) => ({ value: k, label: t(`workers.kinds.${k}`) })),
      employments: EMPLOYMENTS.map((e) => ({ value: e, label: t(`workers.employments.${e}`) })),
      defaultFrom: addMonths(`${lastMonth()}-01`, 1).slice(0, 7),
    },
    can: { create: !!district && can(actor, 'create', ALLOWANCE_RATE_RESOURCE, { districtId: district.id }) },
  };
}
