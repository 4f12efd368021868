import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { ContractTarget } from './ContractTarget.js';
import type { ContractVersion } from './ContractVersion.js';
import type { District } from './District.js';
import type { Instalment } from './Instalment.js';
import type { Organisation } from './Organisation.js';
import type { Project } from './Project.js';

export const CONTRACT_STATUSES = ['draft', 'active', 'completed', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/**
 * The state machine of a contract, declared once: the UI, the policy, the commands and the tests
 * read it. `edit` and `amend` keep the status (a draft is edited in place; an active contract is
 * amended by a new version); `activate` commits the money, `terminate` releases what is unpaid.
 */
export const CONTRACT_TRANSITIONS = {
  edit: { from: ['draft'], to: 'draft' },
  activate: { from: ['draft'], to: 'active' },
  amend: { from: ['active'], to: 'active' },
  complete: { from: ['active'], to: 'completed' },
  terminate: { from: ['active'], to: 'terminated' },
} as const satisfies Record<string, { from: readonly ContractStatus[]; to: ContractStatus }>;
export type ContractTransition = keyof typeof CONTRACT_TRANSITIONS;

/** The documents a contract carries as files: the announcement notice, and the signed contract (PDFs). */
export const CONTRACT_DOCUMENTS = ['announcement', 'signed'] as const;
export type ContractDocument = (typeof CONTRACT_DOCUMENTS)[number];

/** The column of the contract that names each document's stored file. */
export const DOCUMENT_COLUMN = { announcement: 'announcementFileId', signed: 'signedFileId' } as const;

/** The art. 23 texts a contract must carry before it becomes active (besides term and price). */
export const ARTICLE_23_FIELDS = ['content', 'quantity', 'qualityStandard', 'priceTerms', 'settlementMethod', 'rightsObligations', 'breachLiability'] as const;
export type Article23Field = (typeof ARTICLE_23_FIELDS)[number];

/** Art. 24: a term of at most 12 months, up to 36 with a written justification, never more. */
export const TERM_MONTHS = { plain: 12, justified: 36 } as const;

/** A fresh definition each time: Sequelize writes the column name into the object it is given. */
const text = () => ({ type: DataTypes.TEXT, allowNull: true });

const fen = (name: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model) {
    return Number(this.getDataValue(name));
  },
});

/** A service contract (合同, DOMAIN.md "Contract"): the terms in force; earlier terms live in its versions. */
export class Contract extends Model<InferAttributes<Contract>, InferCreationAttributes<Contract>> {
  declare id: CreationOptional<number>;
  declare number: string;
  declare projectId: number;
  declare awardId: number;
  declare organisationId: number;
  declare districtId: number;
  declare year: number;
  /**
   * The year of the service-category version the contract bought (#21): its targets, deliverables
   * and progress read that version, whatever later years change. Null: the version its year resolves to.
   */
  declare categoryYear: CreationOptional<number | null>;
  declare status: CreationOptional<ContractStatus>;
  declare valueFen: number;
  declare reimbursementCeilingFen: CreationOptional<number>;
  declare signedOn: CreationOptional<string | null>;
  declare termStart: string;
  declare termEnd: string;
  declare termJustification: CreationOptional<string | null>;
  declare content: CreationOptional<string | null>;
  declare quantity: CreationOptional<string | null>;
  declare qualityStandard: CreationOptional<string | null>;
  declare priceTerms: CreationOptional<string | null>;
  declare settlementMethod: CreationOptional<string | null>;
  declare rightsObligations: CreationOptional<string | null>;
  declare breachLiability: CreationOptional<string | null>;
  declare announcementUrl: CreationOptional<string | null>;
  declare announcementFileId: CreationOptional<number | null>;
  declare announcedOn: CreationOptional<string | null>;
  declare signedFileId: CreationOptional<number | null>;
  /** The version in force (null while a draft: versions start at activation). */
  declare currentVersionId: CreationOptional<number | null>;
  declare versionNumber: CreationOptional<number>;
  declare activatedBy: CreationOptional<number | null>;
  declare activatedAt: CreationOptional<Date | null>;
  /** Who completed or terminated it, when and why. */
  declare endedBy: CreationOptional<number | null>;
  declare endedAt: CreationOptional<Date | null>;
  declare endReason: CreationOptional<string | null>;
  declare createdBy: number;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare project?: NonAttribute<Project>;
  declare organisation?: NonAttribute<Organisation>;
  declare district?: NonAttribute<District>;
  declare targets?: NonAttribute<ContractTarget[]>;
  declare instalments?: NonAttribute<Instalment[]>;
  declare versions?: NonAttribute<ContractVersion[]>;

  static initModel(sequelize: Sequelize): void {
    Contract.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        number: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        projectId: { type: DataTypes.INTEGER, allowNull: false },
        awardId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        year: { type: DataTypes.INTEGER, allowNull: false },
        categoryYear: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [CONTRACT_STATUSES] } },
        valueFen: fen('valueFen'),
        reimbursementCeilingFen: { ...fen('reimbursementCeilingFen'), defaultValue: 0 },
        signedOn: { type: DataTypes.DATEONLY, allowNull: true },
        termStart: { type: DataTypes.DATEONLY, allowNull: false },
        termEnd: { type: DataTypes.DATEONLY, allowNull: false },
        termJustification: text(),
        content: text(),
        quantity: text(),
        qualityStandard: text(),
        priceTerms: text(),
        settlementMethod: text(),
        rightsObligations: text(),
        breachLiability: text(),
        announcementUrl: { type: DataTypes.STRING(500), allowNull: true },
        announcementFileId: { type: DataTypes.INTEGER, allowNull: true },
        announcedOn: { type: DataTypes.DATEONLY, allowNull: true },
        signedFileId: { type: DataTypes.INTEGER, allowNull: true },
        currentVersionId: { type: DataTypes.INTEGER, allowNull: true },
        versionNumber: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        activatedBy: { type: DataTypes.INTEGER, allowNull: true },
        activatedAt: { type: DataTypes.DATE, allowNull: true },
        endedBy: { type: DataTypes.INTEGER, allowNull: true },
        endedAt: { type: DataTypes.DATE, allowNull: true },
        endReason: text(),
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'contracts' },
    );
  }
}
