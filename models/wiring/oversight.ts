import type { Sequelize } from 'sequelize';
import { Agency } from '../Agency.js';
import { Briefing } from '../Briefing.js';
import { District } from '../District.js';
import { Inspection, InspectionFinding } from '../Inspection.js';
import { RedFlag } from '../RedFlag.js';
import { ReferralFollowUp } from '../ReferralFollowUp.js';
import { User } from '../User.js';

/** Initialises the city's oversight records (#17): the hotline referrals' follow-up, the red flags, the inspections and the briefings. */
export function initOversight(sequelize: Sequelize): void {
  ReferralFollowUp.initModel(sequelize);
  RedFlag.initModel(sequelize);
  RedFlag.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Inspection.initModel(sequelize);
  InspectionFinding.initModel(sequelize);
  Inspection.belongsTo(District, { as: 'district', foreignKey: 'districtId' });
  Inspection.belongsTo(Agency, { as: 'agency', foreignKey: 'agencyId' });
  Inspection.belongsTo(User, { as: 'opener', foreignKey: 'openedBy' });
  Inspection.hasMany(InspectionFinding, { as: 'findings', foreignKey: 'inspectionId' });
  InspectionFinding.belongsTo(Inspection, { as: 'inspection', foreignKey: 'inspectionId' });
  Briefing.initModel(sequelize);
}
