import { randomUUID } from 'node:crypto';
import { Agency, District, Organisation, type User } from '../../models/index.js';
import type { Role } from '../../models/User.js';
import { userCreator } from '../../server/commands/users/userCreator.js';
import { usccCheckCharacter } from '../../server/services/identifiers.js';
import { testConfig } from '../support/hooks.js';

let counter = 0;
/** A short unique suffix, so records of different tests never collide. */
export function unique(prefix = 'x'): string {
  counter += 1;
  // A letter between the counter and the random part: run together they could make 11+ digits,
  // which lists and searches hold as a phone number (a search for it answers 303).
  return `${prefix}${counter}q${randomUUID().slice(0, 6)}`;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function district(code: string): Promise<District> {
  const d = await District.findOne({ where: { code } });
  if (!d) throw new Error(`No district ${code}: reference data missing`);
  return d;
}

/** A unified social credit code (社会服务机构 in 深圳) with a correct GB 32100-2015 check character. */
export function uscc(): string {
  let body = '5244030';
  while (body.length < 17) body += String(Math.floor(Math.random() * 10));
  return body + usccCheckCharacter(body);
}

export async function buildOrganisation(attrs: { districtCode?: string; name?: string } = {}): Promise<Organisation> {
  const d = await district(attrs.districtCode ?? 'FT');
  return Organisation.create({ name: attrs.name ?? `测试社工服务中心${unique()}`, uscc: uscc(), districtId: d.id });
}

export type BuiltUser = { user: User; password: string };

/**
 * A user of `role` with everything the role needs: district staff in 福田 by default, city level
 * with `districtCode: 'SZ'`, organisation users with an organisation of their own.
 */
export async function buildUser(
  role: Role,
  attrs: { districtCode?: string; password?: string; organisation?: Organisation; mustChangePassword?: boolean; username?: string } = {},
): Promise<BuiltUser> {
  const d = await district(attrs.districtCode ?? (role === 'admin' ? 'SZ' : 'FT'));
  const organisation = role === 'org' ? (attrs.organisation ?? (await buildOrganisation({ districtCode: d.code }))) : undefined;
  const agency = role === 'org' ? null : await Agency.findOne({ where: { districtId: d.id, kind: role === 'finance' ? 'finance' : 'civil_affairs' } });
  const password = attrs.password ?? TEST_PASSWORD;
  const user = await userCreator(
    {
      username: attrs.username ?? unique(`${role}.`),
      displayName: `测试${role}`,
      role,
      districtId: d.id,
      agencyId: agency?.id ?? null,
      organisationId: organisation?.id ?? null,
      password,
      mustChangePassword: attrs.mustChangePassword ?? false,
    },
    { actor: null, passwordCost: testConfig().passwordCost },
  );
  return { user, password };
}
