import {
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type NonAttribute,
  type Sequelize,
} from 'sequelize';
import type { District } from './District.js';

export const ORGANISATION_STATUSES = ['active', 'suspended', 'ineligible'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

/**
 * Which status may follow which (the UI, the policy and the tests read this table). Any other
 * status may follow; asking for the status an organisation already has is refused (409).
 */
export const ORGANISATION_TRANSITIONS: Readonly<Record<OrganisationStatus, readonly OrganisationStatus[]>> = {
  active: ['suspended', 'ineligible'],
  suspended: ['active', 'ineligible'],
  ineligible: ['active', 'suspended'],
};

/** 社会团体 (51), 社会服务机构 (52, formerly 民办非企业单位), 基金会 (53), and anything else. */
export const ORGANISATION_TYPES = ['social_group', 'social_service_agency', 'foundation', 'other'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/**
 * The type a unified social credit code says: registered by 民政 (`5`), with 机构类别 1/2/3
 * (GB 32100-2015 table 1). Anything else is `other`.
 */
export function organisationTypeOfUscc(uscc: string): OrganisationType {
  switch (uscc.slice(0, 2)) {
    case '51':
      return 'social_group';
    case '52':
      return 'social_service_agency';
    case '53':
      return 'foundation';
    default:
      return 'other';
  }
}

/** A social organisation (社会组织): the registry's record of a provider (DOMAIN.md "Organisation"). */
export class Organisation extends Model<InferAttributes<Organisation>, InferCreationAttributes<Organisation>> {
  declare id: CreationOptional<number>;
  declare districtId: ForeignKey<District['id']>;
  declare name: string;
  declare uscc: string;
  declare status: CreationOptional<OrganisationStatus>;
  declare orgType: CreationOptional<OrganisationType>;
  declare address: CreationOptional<string | null>;
  declare legalRepresentative: CreationOptional<string | null>;
  declare contactName: CreationOptional<string | null>;
  declare contactPhone: CreationOptional<string | null>;
  declare contactEmail: CreationOptional<string | null>;
  declare socialWorkerCount: CreationOptional<number>;
  declare counsellorCount: CreationOptional<number>;
  declare lawyerCount: CreationOptional<number>;
  /** `YYYY-MM-DD`: the last day an `ineligible` organisation stays ineligible. */
  declare ineligibleUntil: CreationOptional<string | null>;
  declare statusReason: CreationOptional<string | null>;
  /** The account payments go to: 开户行 and 账号 (digits only, stored without spaces). */
  declare bankName: CreationOptional<string | null>;
  declare bankAccount: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;

  /**
   * Whether the organisation may take part in procurement on `day` (`YYYY-MM-DD`): active, or
   * ineligible only until a day already past.
   */
  eligibleOn(day: string): boolean {
    if (this.status === 'active') return true;
    return this.status === 'ineligible' && !!this.ineligibleUntil && this.ineligibleUntil < day;
  }

  static initModel(sequelize: Sequelize): void {
    // A fresh object each: Sequelize writes the column name into an attribute's definition.
    const count = () => ({ type: DataTypes.INTEGER, allowNull: false, defaultValue: 0, validate: { min: 0 } });
    Organisation.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        name: { type: DataTypes.STRING(128), allowNull: false },
        uscc: { type: DataTypes.STRING(18), allowNull: false, unique: true },
        status: {
          type: DataTypes.STRING(16),
          allowNull: false,
          defaultValue: 'active',
          validate: { isIn: [ORGANISATION_STATUSES] },
        },
        orgType: {
          type: DataTypes.STRING(32),
          allowNull: false,
          defaultValue: 'other',
          validate: { isIn: [ORGANISATION_TYPES] },
        },
        address: { type: DataTypes.STRING(255), allowNull: true },
        legalRepresentative: { type: DataTypes.STRING(64), allowNull: true },
        contactName: { type: DataTypes.STRING(64), allowNull: true },
        contactPhone: { type: DataTypes.STRING(32), allowNull: true },
        contactEmail: { type: DataTypes.STRING(254), allowNull: true },
        socialWorkerCount: count(),
        counsellorCount: count(),
        lawyerCount: count(),
        ineligibleUntil: { type: DataTypes.DATEONLY, allowNull: true },
        statusReason: { type: DataTypes.TEXT, allowNull: true },
        bankName: { type: DataTypes.STRING(128), allowNull: true },
        bankAccount: { type: DataTypes.STRING(32), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'organisations',
        hooks: {
          // A code's 51/52/53 says the type when whoever creates the row did not name one.
          beforeValidate: (org: Organisation) => {
            if (org.isNewRecord && (!org.orgType || org.orgType === 'other') && org.uscc) org.orgType = organisationTypeOfUscc(org.uscc);
          },
        },
      },
    );
  }
}
