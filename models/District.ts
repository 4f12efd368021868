import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

export const DISTRICT_KINDS = ['city', 'district', 'new_district', 'cooperation_zone'] as const;
export type DistrictKind = (typeof DISTRICT_KINDS)[number];

/** A district of the city, or the city level itself (kind `city`, code `SZ`). */
export class District extends Model<InferAttributes<District>, InferCreationAttributes<District>> {
  declare id: CreationOptional<number>;
  declare code: string;
  declare name: string;
  declare nameEn: string;
  declare gbCode: string | null;
  declare kind: DistrictKind;
  declare sortOrder: number;
  /**
   * The administrator's recorded exception to separate approving and paying (DOMAIN.md): this
   * district has one finance reviewer, who may record paid what they approved; with the reason.
   */
  declare singleFinanceReviewer: CreationOptional<boolean>;
  declare singleFinanceReviewerNote: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;

  static initModel(sequelize: Sequelize): void {
    District.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        code: { type: DataTypes.STRING(8), allowNull: false, unique: true },
        name: { type: DataTypes.STRING(64), allowNull: false },
        nameEn: { type: DataTypes.STRING(64), allowNull: false },
        gbCode: { type: DataTypes.STRING(6), allowNull: true },
        kind: { type: DataTypes.STRING(20), allowNull: false, validate: { isIn: [DISTRICT_KINDS] } },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        singleFinanceReviewer: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        singleFinanceReviewerNote: { type: DataTypes.STRING(500), allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'districts' },
    );
  }
}
