import { col, fn, literal, Op, type Order, type WhereOptions } from 'sequelize';
import { CHILD_WORKER_KINDS, ChildWorker } from '../../models/ChildWorker.js';
import { District, SubDistrict } from '../../models/index.js';
import { thisYear, today } from '../clock.js';
import { getSequelize } from '../db.js';
import type { Lang } from '../i18n/index.js';
import { type Actor, canMap, districtScope } from '../policies/index.js';
import { GAP_SORT_KEYS, type GapListQuery } from '../schemas/training-sessions.js';
import type { ExportColumn } from '../services/export.js';
import { districtsInOrder } from '../services/reference.js';
import { PLACE, summaryOf } from './child-workers.js';
import { districtName, workerName } from './format.js';
import { choicesIf, listFrame, pageWindow, scopedColumns, scopeShow, type ScopeShow, SHOW_ALL, withAll } from './list-page.js';
import { topicName, topicsInOrder } from './training-sessions.js';

export const GAPS_PATH = '/trainings/gaps';

type GapFilter = Omit<GapListQuery, 'page' | 'perPage' | 'sort' | 'dir' | 'format'>;

/**
 * The workers who had a topic this year: a passed result on the roster of a session of that topic
 * held in the year, as a subquery (the policy's 每年至少轮训一次, read per topic).
 */
function trainedOnTopic(topic: string, year: number) {
  const s = getSequelize();
  return literal(
    `(SELECT tr.child_worker_id FROM training_records tr JOIN training_session_topics tst ON tst.training_session_id = tr.training_session_id` +
      ` WHERE tst.topic_code = ${s.escape(topic)} AND tr.passed = 1` +
      ` AND tr.trained_on BETWEEN ${s.escape(`${year}-01-01`)} AND ${s.escape(`${year}-12-31`)})`,
  );
}

/** The workers in post, in scope and filtered, who have not had the topic in the year. */
export function gapWhere(actor: Actor, q: GapFilter, year: number): WhereOptions<ChildWorker> {
  const and: unknown[] = [districtScope(actor), { status: 'active' }, { id: { [Op.notIn]: trainedOnTopic(q.topic, year) } }];
  if (q.districtId) and.push({ districtId: q.districtId });
  if (q.subDistrictId) and.push({ subDistrictId: q.subDistrictId });
  if (q.kind) and.push({ kind: q.kind });
  return { [Op.and]: and } as WhereOptions<ChildWorker>;
}

/** The same workers without the topic condition: those in post, the base of the share. */
function inPostWhere(actor: Actor, q: GapFilter): WhereOptions<ChildWorker> {
  const and: unknown[] = [districtScope(actor), { status: 'active' }];
  if (q.districtId) and.push({ districtId: q.districtId });
  if (q.subDistrictId) and.push({ subDistrictId: q.subDistrictId });
  if (q.kind) and.push({ kind: q.kind });
  return { [Op.and]: and } as WhereOptions<ChildWorker>;
}

function orderOf(sort: GapListQuery['sort'], dir: 'asc' | 'desc'): Order {
  const d = dir.toUpperCase();
  const first = sort === 'district' ? [{ model: District, as: 'district' }, 'sortOrder', d] : [sort, d];
  return [first, ['name', 'ASC'], ['id', d]] as Order;
}

const FILTERS = ['topic', 'year', 'districtId', 'subDistrictId', 'kind'] as const;

async function countsByDistrict(where: WhereOptions<ChildWorker>): Promise<Map<number, number>> {
  const rows = (await ChildWorker.findAll({
    where,
    attributes: ['districtId', [fn('COUNT', col('id')), 'n']],
    group: ['districtId'],
    raw: true,
  })) as unknown as {
    districtId: number;
    n: number | string;
  }[];
  return new Map(rows.map((r) => [r.districtId, Number(r.n)]));
}

/**
 * Who has not had a topic this year (强制报告 by default), per district: the share trained on it
 * per district, then the workers left, with filters, sort, pages and export.
 */
export async function gapListPage(actor: Actor, query: GapListQuery, lang: Lang) {
  const { t } = lang;
  const year = query.year ?? thisYear();
  const show = scopeShow(actor);
  const where = gapWhere(actor, query, year);
  const subDistrictOf = query.districtId ?? (show.district ? undefined : actor.districtId);
  const [{ rows, count }, inPost, lacking, districts, topics, subs] = await Promise.all([
    ChildWorker.findAndCountAll({ where, include: PLACE, order: orderOf(query.sort, query.dir), ...pageWindow(query) }),
    countsByDistrict(inPostWhere(actor, query)),
    countsByDistrict(where),
    districtsInOrder(districtScope(actor, 'id')),
    topicsInOrder(),
    subDistrictOf
      ? SubDistrict.findAll({
          where: { districtId: subDistrictOf },
          order: [
            ['sortOrder', 'ASC'],
            ['id', 'ASC'],
          ],
        })
      : [],
  ]);
  const topic = topics.find((x) => x.code === query.topic);
  const day = today();
  return {
    show,
    year,
    topicName: topic ? topicName(topic, lang) : query.topic,
    ...listFrame(GAPS_PATH, query, count, GAP_SORT_KEYS, FILTERS),
    byDistrict: districts
      .filter((d) => inPost.has(d.id))
      .map((d) => {
        const total = inPost.get(d.id) ?? 0;
        const left = lacking.get(d.id) ?? 0;
        return { name: districtName(d, lang), total, trained: total - left, left, share: total ? `${Math.round(((total - left) * 1000) / total) / 10}%` : '—' };
      }),
    rows: rows.map((w) => summaryOf(w, day, lang)),
    options: {
      topics: topics.map((x) => ({ value: x.code, label: topicName(x, lang) })),
      years: [0, 1, 2, 3].map((n) => thisYear() - n).map((y) => ({ value: y, label: String(y) })),
      districts: choicesIf(
        show.district,
        withAll(
          lang,
          districts.filter((d) => d.kind !== 'city').map((d) => ({ value: d.id, label: districtName(d, lang) })),
        ),
      ),
      subDistricts: withAll(
        lang,
        subs.map((s) => ({ value: s.id, label: s.name })),
      ),
      kinds: withAll(
        lang,
        CHILD_WORKER_KINDS.map((k) => ({ value: k, label: t(`workers.kinds.${k}`) })),
      ),
    },
    can: canMap(actor, 'training_session', ['export']),
  };
}

/** The export of who is left: the list's columns, numbers masked. */
export function gapExportColumns(lang: Lang, show: ScopeShow = SHOW_ALL): ExportColumn<ChildWorker>[] {
  const { t } = lang;
  return scopedColumns(
    [
      { header: t('workers.fields.name'), value: (w) => workerName(w, t) },
      { header: t('workers.fields.kind'), value: (w) => t(`workers.kinds.${w.kind}`) },
      { header: t('workers.fields.idNumber'), value: (w) => w.idNumberMasked },
      { header: t('workers.fields.district'), value: (w) => districtName(w.district, lang), scope: 'district' },
      { header: t('workers.fields.subDistrict'), value: (w) => w.subDistrict?.name ?? '' },
      { header: t('workers.fields.community'), value: (w) => w.community ?? '' },
      { header: t('workers.fields.lastTrainingPassedOn'), value: (w) => w.lastTrainingPassedOn ?? '' },
    ],
    show,
  );
}
