import { DataTypes, QueryTypes, type QueryInterface } from 'sequelize';
import { thisYear } from '../clock.js';
import { dropColumns } from './support/drop-columns.js';

type Ctx = { context: QueryInterface };

/**
 * Service categories and their metrics as data (#21): a version per year, kept by the city
 * administrator (draft → published; a published version is never edited), holding each category's
 * names in both languages, unit, metrics (unit, whether a target may name it, summed or averaged,
 * entered or derived as a sum of others) and the rules between metrics (`not_more_than`:
 * households ≤ visits; `needs`: hours need a session). A contract keeps the version of the year it
 * bought (`contracts.category_year`).
 *
 * The seed is the fixed list the code held until now (services/deliverable-metrics.ts), copied
 * here once with its labels, so every existing deliverable and contract reads as before: one
 * version per year that has a catalogue item, project or contract, and this year's. This year's
 * and later versions add the services of policy sections 一(一) and 四(二) the list lacked:
 * 临时照料, 康复指导, 特殊教育, 家庭教育, and venue-based services (阵地服务) at 儿童之家,
 * 妇女之家 and the 社区, each venue a sub-category reported inside the venue deliverable, as the
 * psychological subtypes are inside the psychological service.
 *
 * The hotline keeps what only code can do (the call-log import, referral departments from the
 * 一门受理 model): its definition is flagged `special = 'hotline'`.
 */

type Unit = 'count' | 'hours' | 'seconds';
type MetricSeed = {
  key: string;
  name: string;
  nameEn: string;
  unit?: Unit;
  aggregation?: 'sum' | 'average';
  entered?: boolean;
  targetable?: boolean;
  optional?: boolean;
  group?: string | null;
  groupName?: string | null;
  groupNameEn?: string | null;
  sumOf?: string[];
};
type CategorySeed = {
  code: string;
  parent: string | null;
  name: string;
  nameEn: string;
  unit: string;
  unitEn: string;
  special?: 'hotline';
  metrics: MetricSeed[];
  notMoreThan: [string, string][];
  needs: [string, string][];
};

const DEPARTMENTS = [
  ['public_security', '公安', 'Public security'],
  ['education', '教育', 'Education'],
  ['civil_affairs', '民政', 'Civil affairs'],
  ['justice', '司法', 'Justice'],
  ['health', '卫健', 'Health'],
  ['human_resources', '人社', 'Human resources and social security'],
  ['womens_federation', '妇联', "Women's federation"],
  ['youth_league', '团委', 'Youth league'],
  ['court', '法院', 'Court'],
  ['procuratorate', '检察院', 'Procuratorate'],
  ['disabled_persons_federation', '残联', "Disabled persons' federation"],
  ['other', '其他', 'Other'],
] as const;

const PSY_SUBTYPES = [
  ['interpersonal_adjustment', '人际调适', 'Interpersonal adjustment'],
  ['emotional_comfort', '精神慰藉', 'Emotional comfort'],
  ['psychological_counselling', '心理疏导', 'Psychological counselling'],
] as const;
const PSY_MEASURES = [
  ['sessions', '服务次数', 'Sessions', 'count'],
  ['hours', '服务时长', 'Hours', 'hours'],
  ['participants', '服务人次', 'Participants', 'count'],
] as const;

const VENUES = [
  ['children_home', '儿童之家', "Children's home"],
  ['women_home', '妇女之家', "Women's home"],
  ['community_venue', '社区阵地', 'Community venue'],
] as const;
const VENUE_MEASURES = [
  ['activities', '活动场次', 'Activities', 'count'],
  ['participants', '参与人次', 'Participants', 'count'],
] as const;

/** The categories as the code defined them until #21, labels included (services/deliverable-metrics.ts, locales). */
const TODAY: CategorySeed[] = [
  {
    code: 'hotline',
    parent: null,
    name: '热线运行',
    nameEn: 'Hotline operation',
    unit: '通',
    unitEn: 'call',
    special: 'hotline',
    metrics: [
      { key: 'callsReceived', name: '来电数', nameEn: 'Calls received' },
      { key: 'callsAnswered', name: '接听数', nameEn: 'Calls answered' },
      { key: 'averageAnswerSeconds', name: '平均接听时长', nameEn: 'Average answer time', unit: 'seconds', aggregation: 'average', targetable: false },
      ...DEPARTMENTS.map(([code, name, nameEn]) => ({
        key: `referrals.${code}`,
        name: `转介${name}`,
        nameEn: `Referred to ${nameEn}`,
        optional: true,
        group: 'referrals',
        groupName: '按部门转介',
        groupNameEn: 'Referrals by department',
      })),
      { key: 'referrals', name: '转介合计', nameEn: 'Referrals (all departments)', entered: false, sumOf: DEPARTMENTS.map(([c]) => `referrals.${c}`) },
      { key: 'casesClosed', name: '办结数', nameEn: 'Cases closed' },
    ],
    notMoreThan: [
      ['callsAnswered', 'callsReceived'],
      ['casesClosed', 'callsReceived'],
      ...DEPARTMENTS.map(([c]) => [`referrals.${c}`, 'callsReceived'] as [string, string]),
    ],
    needs: [['averageAnswerSeconds', 'callsAnswered']],
  },
  {
    code: 'guardianship_assessment',
    parent: null,
    name: '监护评估',
    nameEn: 'Guardianship assessment',
    unit: '份',
    unitEn: 'assessment',
    metrics: [
      { key: 'assessments', name: '评估数', nameEn: 'Assessments done' },
      { key: 'highRisk', name: '高风险数', nameEn: 'High risk found' },
      { key: 'referrals', name: '转介数', nameEn: 'Referrals' },
    ],
    notMoreThan: [
      ['highRisk', 'assessments'],
      ['referrals', 'assessments'],
    ],
    needs: [],
  },
  {
    code: 'targeted_assistance',
    parent: null,
    name: '精准帮扶',
    nameEn: 'Targeted assistance',
    unit: '户',
    unitEn: 'family',
    metrics: [
      { key: 'families', name: '帮扶家庭数', nameEn: 'Families helped' },
      { key: 'measures', name: '帮扶措施数', nameEn: 'Measures taken' },
    ],
    notMoreThan: [],
    needs: [['measures', 'families']],
  },
  {
    code: 'policy_publicity',
    parent: null,
    name: '政策宣传',
    nameEn: 'Policy publicity',
    unit: '场',
    unitEn: 'event',
    metrics: [
      { key: 'events', name: '活动场次', nameEn: 'Events' },
      { key: 'reach', name: '覆盖人数', nameEn: 'People reached' },
    ],
    notMoreThan: [],
    needs: [['reach', 'events']],
  },
  {
    code: 'training',
    parent: null,
    name: '业务培训',
    nameEn: 'Training',
    unit: '期',
    unitEn: 'session',
    metrics: [
      { key: 'sessions', name: '培训期数', nameEn: 'Training sessions' },
      { key: 'trainees', name: '参训人数', nameEn: 'Trainees' },
      { key: 'passed', name: '合格人数', nameEn: 'Passed' },
    ],
    notMoreThan: [['passed', 'trainees']],
    needs: [['trainees', 'sessions']],
  },
  {
    code: 'home_visit',
    parent: null,
    name: '家庭探访',
    nameEn: 'Home visit',
    unit: '次',
    unitEn: 'visit',
    metrics: [
      { key: 'visits', name: '探访次数', nameEn: 'Visits' },
      { key: 'households', name: '探访户数', nameEn: 'Households visited' },
      { key: 'followUps', name: '跟进次数', nameEn: 'Follow-ups' },
    ],
    notMoreThan: [
      ['households', 'visits'],
      ['followUps', 'visits'],
    ],
    needs: [],
  },
  {
    code: 'psychological_service',
    parent: null,
    name: '心理服务',
    nameEn: 'Psychological service',
    unit: '小时',
    unitEn: 'hour',
    metrics: [
      ...PSY_SUBTYPES.flatMap(([s]) =>
        PSY_MEASURES.map(([x, name, nameEn, unit]) => ({ key: `${s}.${x}`, name, nameEn, unit: unit as Unit, group: s as string })),
      ),
      ...PSY_MEASURES.map(([x, name, nameEn, unit]) => ({
        key: x as string,
        name,
        nameEn,
        unit: unit as Unit,
        entered: false,
        sumOf: PSY_SUBTYPES.map(([s]) => `${s}.${x}`),
      })),
    ],
    notMoreThan: [],
    needs: PSY_SUBTYPES.flatMap(([s]) => [[`${s}.hours`, `${s}.sessions`] as [string, string], [`${s}.participants`, `${s}.sessions`] as [string, string]]),
  },
  ...PSY_SUBTYPES.map(([code, name, nameEn]) => ({
    code,
    parent: 'psychological_service',
    name,
    nameEn,
    unit: '小时',
    unitEn: 'hour',
    metrics: [],
    notMoreThan: [],
    needs: [],
  })),
];

/** Services of sections 一(一) and 四(二) of the policy that the fixed list lacked (#21). */
const ADDED: CategorySeed[] = [
  {
    code: 'temporary_care',
    parent: null,
    name: '临时照料',
    nameEn: 'Temporary care',
    unit: '人天',
    unitEn: 'child-day',
    metrics: [
      { key: 'children', name: '照料儿童人数', nameEn: 'Children cared for' },
      { key: 'careDays', name: '照料人天数', nameEn: 'Child-days of care' },
      { key: 'placements', name: '照料安排次数', nameEn: 'Care arrangements' },
    ],
    notMoreThan: [
      ['children', 'careDays'],
      ['placements', 'careDays'],
    ],
    needs: [['careDays', 'children']],
  },
  {
    code: 'rehabilitation_guidance',
    parent: null,
    name: '康复指导',
    nameEn: 'Rehabilitation guidance',
    unit: '小时',
    unitEn: 'hour',
    metrics: [
      { key: 'children', name: '指导儿童人数', nameEn: 'Children guided' },
      { key: 'sessions', name: '指导次数', nameEn: 'Guidance sessions' },
      { key: 'hours', name: '指导时长', nameEn: 'Hours of guidance', unit: 'hours' },
    ],
    notMoreThan: [['children', 'sessions']],
    needs: [['hours', 'sessions']],
  },
  {
    code: 'special_education',
    parent: null,
    name: '特殊教育',
    nameEn: 'Special education',
    unit: '课时',
    unitEn: 'lesson',
    metrics: [
      { key: 'children', name: '服务儿童人数', nameEn: 'Children served' },
      { key: 'lessons', name: '授课课时', nameEn: 'Lessons given' },
      { key: 'homeSupport', name: '送教上门次数', nameEn: 'Lessons at home' },
    ],
    notMoreThan: [['homeSupport', 'lessons']],
    needs: [['lessons', 'children']],
  },
  {
    code: 'family_education',
    parent: null,
    name: '家庭教育',
    nameEn: 'Family education',
    unit: '场',
    unitEn: 'event',
    metrics: [
      { key: 'events', name: '指导活动场次', nameEn: 'Guidance events' },
      { key: 'families', name: '参与家庭数', nameEn: 'Families taking part' },
      { key: 'participants', name: '参与人次', nameEn: 'Participants' },
    ],
    notMoreThan: [['families', 'participants']],
    needs: [['participants', 'events']],
  },
  {
    code: 'venue_service',
    parent: null,
    name: '阵地服务',
    nameEn: 'Venue-based services',
    unit: '场',
    unitEn: 'activity',
    metrics: [
      ...VENUES.flatMap(([v]) => VENUE_MEASURES.map(([x, name, nameEn]) => ({ key: `${v}.${x}`, name, nameEn, group: v as string }))),
      ...VENUE_MEASURES.map(([x, name, nameEn]) => ({ key: x as string, name, nameEn, entered: false, sumOf: VENUES.map(([v]) => `${v}.${x}`) })),
    ],
    notMoreThan: [],
    needs: VENUES.map(([v]) => [`${v}.participants`, `${v}.activities`] as [string, string]),
  },
  ...VENUES.map(([code, name, nameEn]) => ({
    code,
    parent: 'venue_service',
    name,
    nameEn,
    unit: '场',
    unitEn: 'activity',
    metrics: [],
    notMoreThan: [],
    needs: [],
  })),
];

/** Every category the seed writes (this year's version): tests read its metric keys. */
export const SEEDED_CATEGORIES: readonly CategorySeed[] = [...TODAY, ...ADDED];

async function yearsInUse(qi: QueryInterface): Promise<number[]> {
  const years = new Set<number>([thisYear()]);
  for (const table of ['catalogue_items', 'projects', 'contracts']) {
    const rows = await qi.sequelize.query<{ year: number | string }>(`SELECT DISTINCT year FROM ${table}`, { type: QueryTypes.SELECT });
    for (const r of rows) years.add(Number(r.year));
  }
  return [...years].sort((a, b) => a - b);
}

async function lastId(qi: QueryInterface, table: string): Promise<number> {
  const [row] = await qi.sequelize.query<{ id: number | string | null }>(`SELECT MAX(id) AS id FROM ${table}`, { type: QueryTypes.SELECT });
  return Number(row?.id ?? 0);
}

/** Writes one year's published version of `categories` (ids read back, so on SQLite and MySQL alike). */
export async function seedVersion(qi: QueryInterface, year: number, categories: readonly CategorySeed[], at: Date): Promise<void> {
  await qi.bulkInsert('service_category_versions', [{ year, status: 'published', published_at: at, created_at: at, updated_at: at, lock_version: 0 }]);
  const [v] = await qi.sequelize.query<{ id: number }>('SELECT id FROM service_category_versions WHERE year = :year', {
    type: QueryTypes.SELECT,
    replacements: { year },
  });
  for (const [i, c] of categories.entries()) {
    await qi.bulkInsert('service_category_definitions', [
      {
        version_id: v.id,
        code: c.code,
        parent_code: c.parent,
        name: c.name,
        name_en: c.nameEn,
        unit: c.unit,
        unit_en: c.unitEn,
        special: c.special ?? null,
        sort_order: (i + 1) * 10,
      },
    ]);
    const defId = await lastId(qi, 'service_category_definitions');
    if (c.metrics.length)
      await qi.bulkInsert(
        'service_category_metrics',
        c.metrics.map((m, j) => ({
          definition_id: defId,
          metric_key: m.key,
          name: m.name,
          name_en: m.nameEn,
          unit: m.unit ?? 'count',
          aggregation: m.aggregation ?? 'sum',
          entered: m.entered ?? true,
          targetable: m.targetable ?? (m.unit ?? 'count') !== 'seconds',
          optional: m.optional ?? false,
          group_code: m.group ?? null,
          group_name: m.groupName ?? null,
          group_name_en: m.groupNameEn ?? null,
          sum_of: m.sumOf ? m.sumOf.join(',') : null,
          sort_order: (j + 1) * 10,
        })),
      );
    const rules = [
      ...c.notMoreThan.map(([key, other]) => ({ kind: 'not_more_than', key, other })),
      ...c.needs.map(([key, other]) => ({ kind: 'needs', key, other })),
    ];
    if (rules.length)
      await qi.bulkInsert(
        'service_category_rules',
        rules.map((r, j) => ({ definition_id: defId, kind: r.kind, metric_key: r.key, other_key: r.other, sort_order: (j + 1) * 10 })),
      );
  }
}

export async function up({ context: qi }: Ctx): Promise<void> {
  const table = { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' };
  await qi.createTable(
    'service_category_versions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      year: { type: DataTypes.INTEGER, allowNull: false, unique: true },
      status: { type: DataTypes.STRING(16), allowNull: false },
      copied_from_year: { type: DataTypes.INTEGER, allowNull: true },
      published_at: { type: DataTypes.DATE, allowNull: true },
      published_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
      lock_version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    table,
  );
  await qi.createTable(
    'service_category_definitions',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      version_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'service_category_versions', key: 'id' } },
      code: { type: DataTypes.STRING(40), allowNull: false },
      parent_code: { type: DataTypes.STRING(40), allowNull: true },
      name: { type: DataTypes.STRING(32), allowNull: false },
      name_en: { type: DataTypes.STRING(64), allowNull: false },
      unit: { type: DataTypes.STRING(16), allowNull: false },
      unit_en: { type: DataTypes.STRING(32), allowNull: false },
      special: { type: DataTypes.STRING(16), allowNull: true },
      sort_order: { type: DataTypes.INTEGER, allowNull: false },
    },
    table,
  );
  await qi.addIndex('service_category_definitions', ['version_id', 'code'], { unique: true, name: 'service_category_definitions_version_code' });
  await qi.createTable(
    'service_category_metrics',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      definition_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'service_category_definitions', key: 'id' } },
      metric_key: { type: DataTypes.STRING(80), allowNull: false },
      name: { type: DataTypes.STRING(32), allowNull: false },
      name_en: { type: DataTypes.STRING(64), allowNull: false },
      unit: { type: DataTypes.STRING(16), allowNull: false },
      aggregation: { type: DataTypes.STRING(8), allowNull: false },
      entered: { type: DataTypes.BOOLEAN, allowNull: false },
      targetable: { type: DataTypes.BOOLEAN, allowNull: false },
      optional: { type: DataTypes.BOOLEAN, allowNull: false },
      group_code: { type: DataTypes.STRING(40), allowNull: true },
      group_name: { type: DataTypes.STRING(32), allowNull: true },
      group_name_en: { type: DataTypes.STRING(64), allowNull: true },
      sum_of: { type: DataTypes.TEXT, allowNull: true },
      sort_order: { type: DataTypes.INTEGER, allowNull: false },
    },
    table,
  );
  await qi.addIndex('service_category_metrics', ['definition_id', 'metric_key'], { unique: true, name: 'service_category_metrics_definition_key' });
  await qi.createTable(
    'service_category_rules',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      definition_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'service_category_definitions', key: 'id' } },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      metric_key: { type: DataTypes.STRING(80), allowNull: false },
      other_key: { type: DataTypes.STRING(80), allowNull: false },
      sort_order: { type: DataTypes.INTEGER, allowNull: false },
    },
    table,
  );
  await qi.addIndex('service_category_rules', ['definition_id'], { name: 'service_category_rules_definition' });
  await qi.addColumn('contracts', 'category_year', { type: DataTypes.INTEGER, allowNull: true });

  const at = new Date();
  const current = thisYear();
  for (const year of await yearsInUse(qi)) await seedVersion(qi, year, year >= current ? [...TODAY, ...ADDED] : TODAY, at);
  // Every existing contract reads the version of its own year, which holds today's list unchanged.
  await qi.sequelize.query('UPDATE contracts SET category_year = year');
  // The code registry catalogue items and evaluation templates point at knows the added categories.
  const [{ n }] = await qi.sequelize.query<{ n: number | string }>('SELECT MAX(sort_order) AS n FROM service_categories', { type: QueryTypes.SELECT });
  await qi.bulkInsert(
    'service_categories',
    ADDED.map((c, i) => ({
      code: c.code,
      parent_code: c.parent,
      name: c.name,
      name_en: c.nameEn,
      unit: c.unit,
      unit_en: c.unitEn,
      sort_order: Number(n ?? 0) + i + 1,
    })),
  );
}

export async function down({ context: qi }: Ctx): Promise<void> {
  // Catalogue items or templates that name an added category go first: they did not exist before.
  await qi.bulkDelete('service_categories', { code: ADDED.map((c) => c.code) });
  await dropColumns(qi, 'contracts', ['category_year']);
  await qi.dropTable('service_category_rules');
  await qi.dropTable('service_category_metrics');
  await qi.dropTable('service_category_definitions');
  await qi.dropTable('service_category_versions');
}
