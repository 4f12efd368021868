import { Agency, District, Organisation, User } from '../models/index.js';
import type { Role } from '../models/User.js';
import { oneTimePassword } from './auth/password.js';
import { userCreator } from './commands/users/userCreator.js';
import type { Config } from './config.js';
import { withTransaction } from './db.js';

/** The demo password of every demo user; development only, never in production. */
export const DEMO_PASSWORD = 'careprocure-demo-2026';

export type SeededAccount = { username: string; password: string; role: Role; oneTime: boolean };

const DEMO_USERS: { username: string; displayName: string; role: Role; district: string; agencyKind?: string; org?: boolean }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', district: 'SZ', agencyKind: 'civil_affairs' },
  { username: 'officer.ft', displayName: '福田区民政局 经办人', role: 'officer', district: 'FT', agencyKind: 'civil_affairs' },
  { username: 'finance.ft', displayName: '福田区财政局 审核人', role: 'finance', district: 'FT', agencyKind: 'finance' },
  { username: 'evaluator', displayName: '第三方评估人员', role: 'evaluator', district: 'SZ' },
  { username: 'org.sunshine', displayName: '阳光社工 项目主管', role: 'org', district: 'FT', org: true },
  { username: 'inspector', displayName: '市妇儿工委 督查人员', role: 'inspector', district: 'SZ', agencyKind: 'women_children_committee' },
];

/**
 * On a database with no users: outside production a demo set with one user of each role; in
 * production only the first administrator, with a one-time password to be changed at sign-in.
 * Returns the accounts created, so the caller can print them once.
 */
export async function seedUsers(config: Config): Promise<SeededAccount[]> {
  if ((await User.count()) > 0) return [];
  const by = { actor: null, passwordCost: config.passwordCost };
  if (config.isProduction) {
    const city = await District.findOne({ where: { code: 'SZ' } });
    if (!city) throw new Error('Reference data is missing: migrations did not run');
    const password = oneTimePassword();
    await userCreator({ username: 'admin', displayName: '系统管理员', role: 'admin', districtId: city.id, password, mustChangePassword: true }, by);
    return [{ username: 'admin', password, role: 'admin', oneTime: true }];
  }
  const districts = new Map((await District.findAll()).map((d) => [d.code, d]));
  const futian = districts.get('FT')!;
  const organisation = await withTransaction(
    async (transaction) =>
      (await Organisation.findOne({ where: { uscc: '52440304MJL123456Y' }, transaction })) ??
      Organisation.create({ name: '深圳市福田区阳光儿童社会工作服务中心', uscc: '52440304MJL123456Y', districtId: futian.id }, { transaction }),
  );
  const accounts: SeededAccount[] = [];
  for (const u of DEMO_USERS) {
    const district = districts.get(u.district)!;
    const agency = u.agencyKind ? await Agency.findOne({ where: { districtId: district.id, kind: u.agencyKind } }) : null;
    await userCreator(
      {
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        districtId: district.id,
        agencyId: agency?.id ?? null,
        organisationId: u.org ? organisation.id : null,
        password: DEMO_PASSWORD,
        mustChangePassword: false,
      },
      by,
    );
    accounts.push({ username: u.username, password: DEMO_PASSWORD, role: u.role, oneTime: false });
  }
  return accounts;
}
