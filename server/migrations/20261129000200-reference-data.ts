import fs from 'node:fs';
import path from 'node:path';
import type { QueryInterface } from 'sequelize';
import { QueryTypes } from 'sequelize';

type Ctx = { context: QueryInterface };

type Reference = {
  city: { code: string; name: string; nameEn: string; gbCode: string };
  districts: { code: string; name: string; nameEn: string; gbCode: string | null; kind: string; subdistricts: string[] }[];
  agencyNames: Record<string, Record<string, string>>;
};

/** Shenzhen's districts, sub-districts and agency names (shared/reference, copied beside this file). */
function reference(): Reference {
  return JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'data', 'shenzhen-districts.json'), 'utf8'));
}

/** DOMAIN.md "Service categories": the fixed list of section 三(一), with the units they count in. */
export const SERVICE_CATEGORIES = [
  { code: 'hotline', parent: null, name: '热线运行', nameEn: 'Hotline operation', unit: '通', unitEn: 'call' },
  { code: 'guardianship_assessment', parent: null, name: '监护评估', nameEn: 'Guardianship assessment', unit: '份', unitEn: 'assessment' },
  { code: 'targeted_assistance', parent: null, name: '精准帮扶', nameEn: 'Targeted assistance', unit: '户', unitEn: 'family' },
  { code: 'policy_publicity', parent: null, name: '政策宣传', nameEn: 'Policy publicity', unit: '场', unitEn: 'event' },
  { code: 'training', parent: null, name: '业务培训', nameEn: 'Training', unit: '期', unitEn: 'session' },
  { code: 'home_visit', parent: null, name: '家庭探访', nameEn: 'Home visit', unit: '次', unitEn: 'visit' },
  { code: 'psychological_service', parent: null, name: '心理服务', nameEn: 'Psychological service', unit: '小时', unitEn: 'hour' },
  { code: 'interpersonal_adjustment', parent: 'psychological_service', name: '人际调适', nameEn: 'Interpersonal adjustment', unit: '小时', unitEn: 'hour' },
  { code: 'emotional_comfort', parent: 'psychological_service', name: '精神慰藉', nameEn: 'Emotional comfort', unit: '小时', unitEn: 'hour' },
  { code: 'psychological_counselling', parent: 'psychological_service', name: '心理疏导', nameEn: 'Psychological counselling', unit: '小时', unitEn: 'hour' },
] as const;

export async function up({ context: qi }: Ctx): Promise<void> {
  const ref = reference();
  const now = new Date();
  const ts = { created_at: now, updated_at: now };
  const districtRows = [
    { code: ref.city.code, name: ref.city.name, name_en: ref.city.nameEn, gb_code: ref.city.gbCode, kind: 'city', sort_order: 0, ...ts },
    ...ref.districts.map((d, i) => ({
      code: d.code,
      name: d.name,
      name_en: d.nameEn,
      gb_code: d.gbCode,
      kind: d.kind,
      sort_order: i + 1,
      ...ts,
    })),
  ];
  await qi.bulkInsert('districts', districtRows);
  const ids = new Map<string, number>();
  const rows = (await qi.sequelize.query('SELECT id, code FROM districts', { type: QueryTypes.SELECT })) as {
    id: number;
    code: string;
  }[];
  for (const r of rows) ids.set(r.code, r.id);

  const subDistricts = ref.districts.flatMap((d) =>
    d.subdistricts.map((name, i) => ({
      district_id: ids.get(d.code),
      name,
      kind: name.endsWith('镇') ? 'town' : 'subdistrict',
      sort_order: i + 1,
      ...ts,
    })),
  );
  await qi.bulkInsert('sub_districts', subDistricts);

  const kinds = Object.keys(ref.agencyNames.default);
  const agencies = [
    ...kinds.map((kind) => ({ district_id: ids.get(ref.city.code), kind, name: ref.agencyNames.city[kind], active: true, ...ts })),
    ...ref.districts.flatMap((d) =>
      kinds.map((kind) => ({
        district_id: ids.get(d.code),
        kind,
        name: ref.agencyNames[d.code]?.[kind] ?? ref.agencyNames.default[kind].replace('{district}', d.name),
        active: true,
        ...ts,
      })),
    ),
  ];
  await qi.bulkInsert('agencies', agencies);

  await qi.bulkInsert(
    'service_categories',
    SERVICE_CATEGORIES.map((c, i) => ({
      code: c.code,
      parent_code: c.parent,
      name: c.name,
      name_en: c.nameEn,
      unit: c.unit,
      unit_en: c.unitEn,
      sort_order: i + 1,
    })),
  );
}

export async function down({ context: qi }: Ctx): Promise<void> {
  await qi.bulkDelete('service_categories', {});
  await qi.bulkDelete('agencies', {});
  await qi.bulkDelete('sub_districts', {});
  await qi.bulkDelete('districts', {});
}
