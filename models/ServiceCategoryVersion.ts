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

/**
 * A year's version of the service categories and their metrics (#21), kept by the city
 * administrator: a draft is edited, a published one never (contracts of its year read it).
 */
export const CATEGORY_VERSION_STATUSES = ['draft', 'published'] as const;
export type CategoryVersionStatus = (typeof CATEGORY_VERSION_STATUSES)[number];
export const CATEGORY_VERSION_TRANSITIONS = { publish: { from: ['draft'], to: 'published' } } as const;

/** `count`: a whole number; `hours`: up to two decimals; `seconds`: a whole number of seconds (an average). */
export const METRIC_UNITS = ['count', 'hours', 'seconds'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];
/** How a metric adds up over a contract's deliverables: summed, or averaged (an average answer time). */
export const METRIC_AGGREGATIONS = ['sum', 'average'] as const;
export type MetricAggregation = (typeof METRIC_AGGREGATIONS)[number];
/** `not_more_than`: the metric may not exceed the other (households ≤ visits); `needs`: above 0 only when the other is. */
export const METRIC_RULE_KINDS = ['not_more_than', 'needs'] as const;
export type MetricRuleKind = (typeof METRIC_RULE_KINDS)[number];
/**
 * What only code does for a category: the hotline's call-log import and referral departments; a
 * training deliverable naming its training session (#21).
 */
export const CATEGORY_SPECIALS = ['hotline', 'training'] as const;
export type CategorySpecial = (typeof CATEGORY_SPECIALS)[number];

export class ServiceCategoryVersion extends Model<InferAttributes<ServiceCategoryVersion>, InferCreationAttributes<ServiceCategoryVersion>> {
  declare id: CreationOptional<number>;
  declare year: number;
  declare status: CategoryVersionStatus;
  declare copiedFromYear: number | null;
  declare publishedAt: Date | null;
  declare publishedBy: number | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare lockVersion: CreationOptional<number>;
  declare definitions?: NonAttribute<ServiceCategoryDefinition[]>;

  static initModel(sequelize: Sequelize): void {
    ServiceCategoryVersion.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        year: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        status: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [CATEGORY_VERSION_STATUSES] } },
        copiedFromYear: { type: DataTypes.INTEGER, allowNull: true },
        publishedAt: { type: DataTypes.DATE, allowNull: true },
        publishedBy: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'service_category_versions' },
    );
  }
}

/** A service category as a version defines it: names in both languages, unit, and (a sub-category) the category it is reported in. */
export class ServiceCategoryDefinition extends Model<InferAttributes<ServiceCategoryDefinition>, InferCreationAttributes<ServiceCategoryDefinition>> {
  declare id: CreationOptional<number>;
  declare versionId: ForeignKey<ServiceCategoryVersion['id']>;
  declare code: string;
  /** A sub-category (a psychological subtype, a venue) is reported inside this category's deliverable. */
  declare parentCode: string | null;
  declare name: string;
  declare nameEn: string;
  declare unit: string;
  declare unitEn: string;
  declare special: CategorySpecial | null;
  declare sortOrder: number;
  declare metrics?: NonAttribute<ServiceCategoryMetric[]>;
  declare rules?: NonAttribute<ServiceCategoryRule[]>;

  static initModel(sequelize: Sequelize): void {
    ServiceCategoryDefinition.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        code: { type: DataTypes.STRING(40), allowNull: false },
        parentCode: { type: DataTypes.STRING(40), allowNull: true },
        name: { type: DataTypes.STRING(32), allowNull: false },
        nameEn: { type: DataTypes.STRING(64), allowNull: false },
        unit: { type: DataTypes.STRING(16), allowNull: false },
        unitEn: { type: DataTypes.STRING(32), allowNull: false },
        special: { type: DataTypes.STRING(16), allowNull: true },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: 'service_category_definitions', timestamps: false },
    );
  }
}

/** A metric of a category in a version. Values are aggregates (counts, hours, seconds): nothing about one child. */
export class ServiceCategoryMetric extends Model<InferAttributes<ServiceCategoryMetric>, InferCreationAttributes<ServiceCategoryMetric>> {
  declare id: CreationOptional<number>;
  declare definitionId: ForeignKey<ServiceCategoryDefinition['id']>;
  declare metricKey: string;
  declare name: string;
  declare nameEn: string;
  declare unit: MetricUnit;
  declare aggregation: MetricAggregation;
  /** Entered by the organisation (false: the sum of `sumOf`). */
  declare entered: boolean;
  declare targetable: boolean;
  /** May stay blank at hand-in (a hotline's referral departments: none). */
  declare optional: boolean;
  /** The form's group: a sub-category's code, or a group of its own (`groupName`). */
  declare groupCode: string | null;
  declare groupName: string | null;
  declare groupNameEn: string | null;
  /** A derived metric: the comma-separated keys it sums. */
  declare sumOf: string | null;
  declare sortOrder: number;

  static initModel(sequelize: Sequelize): void {
    ServiceCategoryMetric.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        metricKey: { type: DataTypes.STRING(80), allowNull: false },
        name: { type: DataTypes.STRING(32), allowNull: false },
        nameEn: { type: DataTypes.STRING(64), allowNull: false },
        unit: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [METRIC_UNITS] } },
        aggregation: { type: DataTypes.STRING(8), allowNull: false, validate: { isIn: [METRIC_AGGREGATIONS] } },
        entered: { type: DataTypes.BOOLEAN, allowNull: false },
        targetable: { type: DataTypes.BOOLEAN, allowNull: false },
        optional: { type: DataTypes.BOOLEAN, allowNull: false },
        groupCode: { type: DataTypes.STRING(40), allowNull: true },
        groupName: { type: DataTypes.STRING(32), allowNull: true },
        groupNameEn: { type: DataTypes.STRING(64), allowNull: true },
        sumOf: { type: DataTypes.TEXT, allowNull: true },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: 'service_category_metrics', timestamps: false },
    );
  }
}

/** A rule between two metrics of a category (households ≤ visits; hours need a session). */
export class ServiceCategoryRule extends Model<InferAttributes<ServiceCategoryRule>, InferCreationAttributes<ServiceCategoryRule>> {
  declare id: CreationOptional<number>;
  declare definitionId: ForeignKey<ServiceCategoryDefinition['id']>;
  declare kind: MetricRuleKind;
  declare metricKey: string;
  declare otherKey: string;
  declare sortOrder: number;

  static initModel(sequelize: Sequelize): void {
    ServiceCategoryRule.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [METRIC_RULE_KINDS] } },
        metricKey: { type: DataTypes.STRING(80), allowNull: false },
        otherKey: { type: DataTypes.STRING(80), allowNull: false },
        sortOrder: { type: DataTypes.INTEGER, allowNull: false },
      },
      { sequelize, tableName: 'service_category_rules', timestamps: false },
    );
  }
}
