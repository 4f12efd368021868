import type { Role } from '../../models/User.js';

/** The signed-in user as policies and scopes see them: taken from the session, never the request. */
export type Actor = {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  districtId: number;
  /** Staff of the city level see every district. */
  cityLevel: boolean;
  agencyId: number | null;
  organisationId: number | null;
  mustChangePassword: boolean;
};
