import { z } from 'zod';
import { ROLES, USER_STATUSES } from '../../models/User.js';
import { listQuerySchema, optionalId, optionalText } from '../services/listing.js';

/** The columns the user list may be sorted by: an allow-list, never a column name from the request. */
export const USER_SORT_KEYS = ['username', 'displayName', 'role', 'district', 'lastSignInAt', 'createdAt'] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

/** An optional choice from a fixed list: empty means "not filtered". */
const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), z.enum(values)])
    .optional()
    .transform((v) => (v ? v : undefined));

/** The user list's query: text in username or display name, role, district, status. */
export const userListQuery = listQuerySchema(
  USER_SORT_KEYS,
  { sort: 'username', dir: 'asc' },
  {
    q: optionalText(64),
    role: optionalChoice(ROLES),
    districtId: optionalId(),
    status: optionalChoice(USER_STATUSES),
  },
);
export type UserListQuery = z.infer<typeof userListQuery>;
export type UserFilter = Pick<UserListQuery, 'q' | 'role' | 'districtId' | 'status'>;

/** An id chosen from a select; empty is "none". */
const chosenId = optionalId().transform((v) => v ?? null);

/**
 * What both forms share: display name, role and where the user belongs. An organisation user
 * must name their organisation; whether it (or an agency) is in the district is checked by the
 * command against the database.
 */
const membershipFields = {
  displayName: z.string().trim().min(1, 'validation.required').max(64, 'validation.tooLong'),
  role: z.enum(ROLES, { message: 'validation.roleRequired' }),
  districtId: z.coerce.number({ message: 'validation.required' }).int().positive('validation.required'),
  agencyId: chosenId,
  organisationId: chosenId,
};

/**
 * An organisation user names their organisation. Checked even when other fields failed (zod
 * skips refinements then by default), so every error shows at once.
 */
const hasOrganisationIfOrg = (form: { role: string; organisationId: number | null }) => form.role !== 'org' || !!form.organisationId;
const organisationRequired = {
  path: ['organisationId'],
  message: 'validation.organisationRequired',
  when: (payload: { value: unknown }) => (payload.value as { role?: unknown }).role === 'org',
};

/** Usernames: 3–64 lower-case letters, digits and `. _ -` (typed capitals are lowered). */
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,64}$/, 'validation.usernameFormat');

/** The new-user form. The password is never typed: the system issues a one-time one. */
export const newUserForm = z.object({ username, ...membershipFields }).refine(hasOrganisationIfOrg, organisationRequired);
export type NewUserForm = z.infer<typeof newUserForm>;

/** The edit form: the username stays what it was (it is what people sign in with). */
export const editUserForm = z.object(membershipFields).refine(hasOrganisationIfOrg, organisationRequired);
export type EditUserForm = z.infer<typeof editUserForm>;
