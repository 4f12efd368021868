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
import type { Agency } from './Agency.js';
import type { District } from './District.js';
import type { Organisation } from './Organisation.js';

/** The six roles of DOMAIN.md "Who uses it". */
export const ROLES = ['admin', 'officer', 'finance', 'evaluator', 'org', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare username: string;
  declare displayName: string;
  declare passwordHash: string;
  declare role: Role;
  declare districtId: ForeignKey<District['id']>;
  declare agencyId: ForeignKey<Agency['id']> | null;
  declare organisationId: ForeignKey<Organisation['id']> | null;
  declare status: CreationOptional<UserStatus>;
  declare mustChangePassword: CreationOptional<boolean>;
  declare passwordChangedAt: Date | null;
  declare lastSignInAt: Date | null;
  /** Where e-mail notifications go (#16); none: in the app only. */
  declare email: CreationOptional<string | null>;
  /** The language of the person's e-mails (#16); none: Chinese. */
  declare locale: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;
  declare agency?: NonAttribute<Agency | null>;
  declare organisation?: NonAttribute<Organisation | null>;

  static initModel(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        displayName: { type: DataTypes.STRING(64), allowNull: false },
        passwordHash: { type: DataTypes.STRING(255), allowNull: false },
        role: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [ROLES] } },
        agencyId: { type: DataTypes.INTEGER, allowNull: true },
        organisationId: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active', validate: { isIn: [USER_STATUSES] } },
        mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        passwordChangedAt: { type: DataTypes.DATE, allowNull: true },
        lastSignInAt: { type: DataTypes.DATE, allowNull: true },
        email: { type: DataTypes.STRING(254), allowNull: true },
        locale: { type: DataTypes.STRING(8), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'users' },
    );
  }
}
