import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { District } from './District.js';
import type { ServiceCategory } from './ServiceCategory.js';
import type { User } from './User.js';

export const CATALOGUE_STATUSES = ['draft', 'published', 'retired'] as const;
export type CatalogueStatus = (typeof CATALOGUE_STATUSES)[number];

/**
 * The state machine of a catalogue item, declared once: the UI, the policy and the tests read it.
 * Editing a published item does not change it: it makes a new draft version of the same lineage
 * (contracts keep pointing at what they bought), and publishing that version retires this one.
 */
export const CATALOGUE_TRANSITIONS = {
  publish: { from: ['draft'], to: 'published' },
  retire: { from: ['published'], to: 'retired' },
} as const satisfies Record<string, { from: readonly CatalogueStatus[]; to: CatalogueStatus }>;
export type CatalogueTransition = keyof typeof CATALOGUE_TRANSITIONS;

/**
 * An item of the purchase-of-services catalogue (政府购买服务指导性目录) of a year and a district,
 * or of the whole city (the district row of kind `city`). All versions of one item share a
 * lineage: the id of its first version.
 */
export class CatalogueItem extends Model<InferAttributes<CatalogueItem>, InferCreationAttributes<CatalogueItem>> {
  declare id: CreationOptional<number>;
  declare year: number;
  declare districtId: number;
  declare categoryCode: string;
  declare code: string;
  declare name: string;
  declare unit: string;
  declare referenceUnitPriceFen: number;
  declare description: string;
  declare indicators: string;
  declare status: CreationOptional<CatalogueStatus>;
  declare version: CreationOptional<number>;
  declare lineageId: CreationOptional<number>;
  declare supersedesId: number | null;
  declare createdBy: number;
  declare publishedAt: Date | null;
  declare retiredAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;
  declare category?: NonAttribute<ServiceCategory>;
  declare creator?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    CatalogueItem.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        year: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        categoryCode: { type: DataTypes.STRING(40), allowNull: false },
        code: { type: DataTypes.STRING(40), allowNull: false },
        name: { type: DataTypes.STRING(128), allowNull: false },
        unit: { type: DataTypes.STRING(16), allowNull: false },
        referenceUnitPriceFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          // MySQL may hand BIGINT back as a string; fen are always a safe integer (≤ 10^12).
          get(this: CatalogueItem) {
            return Number(this.getDataValue('referenceUnitPriceFen'));
          },
        },
        description: { type: DataTypes.TEXT, allowNull: false },
        indicators: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [CATALOGUE_STATUSES] } },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        lineageId: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        supersedesId: { type: DataTypes.INTEGER, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        publishedAt: { type: DataTypes.DATE, allowNull: true },
        retiredAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'catalogue_items' },
    );
  }
}
