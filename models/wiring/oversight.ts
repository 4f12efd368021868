import type { Sequelize } from 'sequelize';
import { ReferralFollowUp } from '../ReferralFollowUp.js';

/** Initialises the city's oversight records (#17): the hotline referrals' follow-up. */
export function initOversight(sequelize: Sequelize): void {
  ReferralFollowUp.initModel(sequelize);
}
