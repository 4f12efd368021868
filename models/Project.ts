import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { Agency } from './Agency.js';
import type { District } from './District.js';
import type { ProjectItem } from './ProjectItem.js';
import type { User } from './User.js';

export const PROJECT_STATUSES = ['planning', 'tendering', 'awarded', 'contracted', 'closed', 'cancelled'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/**
 * The state machine of a project, declared once: the UI, the policy, the commands and the tests
 * read it. `manual` moves are buttons on the project page; `award` happens through the award form;
 * `contract` and `close` belong to the contracts part (see `projectTransitioner`), not to a button.
 */
export const PROJECT_TRANSITIONS = {
  tender: { from: ['planning'], to: 'tendering', manual: true },
  award: { from: ['tendering'], to: 'awarded', manual: false },
  contract: { from: ['awarded'], to: 'contracted', manual: false },
  close: { from: ['contracted'], to: 'closed', manual: false },
  cancel: { from: ['planning', 'tendering', 'awarded'], to: 'cancelled', manual: true },
} as const satisfies Record<string, { from: readonly ProjectStatus[]; to: ProjectStatus; manual: boolean }>;
export type ProjectTransition = keyof typeof PROJECT_TRANSITIONS;

/** The moves a user makes with a button on the project page. */
export const MANUAL_PROJECT_TRANSITIONS = (Object.keys(PROJECT_TRANSITIONS) as ProjectTransition[]).filter((k) => PROJECT_TRANSITIONS[k].manual);

/**
 * Procurement methods (政府采购法 art. 26 and 政府购买服务管理办法; 委托 and 项目合作 from the
 * city's policy section 三(二)), each with the OCDS 1.1.5 `method` codelist value it is exported as.
 */
export const PROCUREMENT_METHODS = [
  'open',
  'invited',
  'competitive_negotiation',
  'competitive_consultation',
  'request_for_quotation',
  'single_source',
  'entrustment',
  'cooperation',
] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

/** OCDS 1.1.5 `tender.procurementMethod` (codelist `method`: open, selective, limited, direct). */
export const OCDS_PROCUREMENT_METHOD: Readonly<Record<ProcurementMethod, 'open' | 'selective' | 'limited' | 'direct'>> = {
  open: 'open',
  invited: 'selective',
  competitive_negotiation: 'limited',
  competitive_consultation: 'limited',
  request_for_quotation: 'limited',
  single_source: 'direct',
  entrustment: 'direct',
  cooperation: 'direct',
};

/** A service project (购买服务项目, DOMAIN.md "Project"). */
export class Project extends Model<InferAttributes<Project>, InferCreationAttributes<Project>> {
  declare id: CreationOptional<number>;
  declare year: number;
  declare districtId: number;
  declare agencyId: number;
  declare title: string;
  /** Aggregate description only (e.g. "辖区内困境儿童约 300 名"): never a child's identity. */
  declare targetGroup: string;
  declare budgetFen: number;
  declare procurementMethod: ProcurementMethod;
  declare ocid: CreationOptional<string | null>;
  declare status: CreationOptional<ProjectStatus>;
  declare statusReason: CreationOptional<string | null>;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare district?: NonAttribute<District>;
  declare agency?: NonAttribute<Agency>;
  declare creator?: NonAttribute<User>;
  declare items?: NonAttribute<ProjectItem[]>;

  static initModel(sequelize: Sequelize): void {
    Project.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        year: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        agencyId: { type: DataTypes.INTEGER, allowNull: false },
        title: { type: DataTypes.STRING(200), allowNull: false },
        targetGroup: { type: DataTypes.TEXT, allowNull: false },
        budgetFen: {
          type: DataTypes.BIGINT,
          allowNull: false,
          // MySQL may hand BIGINT back as a string; fen are always a safe integer.
          get(this: Project) {
            return Number(this.getDataValue('budgetFen'));
          },
        },
        procurementMethod: { type: DataTypes.STRING(32), allowNull: false, validate: { isIn: [PROCUREMENT_METHODS] } },
        ocid: { type: DataTypes.STRING(64), allowNull: true, unique: true },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'planning', validate: { isIn: [PROJECT_STATUSES] } },
        statusReason: { type: DataTypes.TEXT, allowNull: true },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'projects' },
    );
  }
}
