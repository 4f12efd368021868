import { type CreationOptional, DataTypes, type InferAttributes, type InferCreationAttributes, Model, type NonAttribute, type Sequelize } from 'sequelize';
import type { ChildWorker } from './ChildWorker.js';
import type { Contract } from './Contract.js';
import type { District } from './District.js';
import type { Organisation } from './Organisation.js';
import type { StoredFile } from './StoredFile.js';
import type { User } from './User.js';

export const CLAIM_STATUSES = ['draft', 'submitted', 'verified', 'approved', 'paid', 'returned', 'rejected'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** 交通费 and 通讯费 (section 三(一)). */
export const CLAIM_KINDS = ['transport', 'communication'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/**
 * The state machine of a claim, declared once: the UI, the policy, the commands and the tests read
 * it. The organisation edits a draft or a returned claim and submits it; an officer verifies,
 * finance approves (reserving the amount against the contract's ceiling) and pays; the officer
 * (while submitted) or finance (while verified) may return it with reasons or reject it, or lower a
 * line's amount with a reason (sanction) and go on.
 */
export const CLAIM_TRANSITIONS = {
  edit: { from: ['draft', 'returned'], to: null },
  /** Lowering a line's amount (partial sanction): at the verifier's stage or the approver's, the status stays. */
  sanction: { from: ['submitted', 'verified'], to: null },
  submit: { from: ['draft', 'returned'], to: 'submitted' },
  verify: { from: ['submitted'], to: 'verified' },
  approve: { from: ['verified'], to: 'approved' },
  pay: { from: ['approved'], to: 'paid' },
  return: { from: ['submitted', 'verified'], to: 'returned' },
  reject: { from: ['submitted', 'verified'], to: 'rejected' },
} as const satisfies Record<string, { from: readonly ClaimStatus[]; to: ClaimStatus | null }>;
export type ClaimTransition = keyof typeof CLAIM_TRANSITIONS;

/** Claims whose amounts hold part of the contract's ceiling. */
export const RESERVING_STATUSES: readonly ClaimStatus[] = ['approved', 'paid'];
/** Claims whose lines count against the monthly caps (besides the claim being checked). */
export const CAPPED_STATUSES: readonly ClaimStatus[] = ['submitted', 'verified', 'approved', 'paid'];

const fen = (name: string) => ({
  type: DataTypes.BIGINT,
  allowNull: false,
  get(this: Model) {
    return Number(this.getDataValue(name));
  },
});

/** A claim (报销申请) of one engaged worker's costs of one month under one contract. */
export class Claim extends Model<InferAttributes<Claim>, InferCreationAttributes<Claim>> {
  declare id: CreationOptional<number>;
  declare contractId: number;
  declare organisationId: number;
  declare districtId: number;
  declare childWorkerId: number;
  declare engagementId: number;
  declare month: string;
  declare status: CreationOptional<ClaimStatus>;
  /** The total that counts: the sum of the lines' sanctioned amounts (what was claimed where none was lowered). */
  declare totalFen: CreationOptional<number>;
  /** What the organisation claimed: the sum of the lines' amounts as handed in. */
  declare claimedFen: CreationOptional<number>;
  declare createdBy: number;
  declare submittedBy: CreationOptional<number | null>;
  declare submittedAt: CreationOptional<Date | null>;
  declare verifiedBy: CreationOptional<number | null>;
  declare verifiedAt: CreationOptional<Date | null>;
  declare approvedBy: CreationOptional<number | null>;
  declare approvedAt: CreationOptional<Date | null>;
  /** Who last returned or rejected it, when and why. */
  declare decidedBy: CreationOptional<number | null>;
  declare decidedAt: CreationOptional<Date | null>;
  declare reason: CreationOptional<string | null>;
  declare paymentId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  /** Bumped by every save of the record's edit form: a save based on an older one is refused (checkVersion). */
  declare lockVersion: CreationOptional<number>;
  declare contract?: NonAttribute<Contract>;
  declare organisation?: NonAttribute<Organisation>;
  declare district?: NonAttribute<District>;
  declare worker?: NonAttribute<ChildWorker>;
  declare lines?: NonAttribute<ClaimLine[]>;
  declare creator?: NonAttribute<User>;
  declare submitter?: NonAttribute<User>;
  declare verifier?: NonAttribute<User>;
  declare approver?: NonAttribute<User>;
  declare decider?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    // A fresh definition each time: Sequelize writes the column name into the object it is given.
    const userId = () => ({ type: DataTypes.INTEGER, allowNull: true });
    Claim.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        contractId: { type: DataTypes.INTEGER, allowNull: false },
        organisationId: { type: DataTypes.INTEGER, allowNull: false },
        districtId: { type: DataTypes.INTEGER, allowNull: false },
        childWorkerId: { type: DataTypes.INTEGER, allowNull: false },
        engagementId: { type: DataTypes.INTEGER, allowNull: false },
        month: { type: DataTypes.STRING(7), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft', validate: { isIn: [CLAIM_STATUSES] } },
        totalFen: { ...fen('totalFen'), defaultValue: 0 },
        claimedFen: { ...fen('claimedFen'), defaultValue: 0 },
        createdBy: { type: DataTypes.INTEGER, allowNull: false },
        submittedBy: userId(),
        submittedAt: { type: DataTypes.DATE, allowNull: true },
        verifiedBy: userId(),
        verifiedAt: { type: DataTypes.DATE, allowNull: true },
        approvedBy: userId(),
        approvedAt: { type: DataTypes.DATE, allowNull: true },
        decidedBy: userId(),
        decidedAt: { type: DataTypes.DATE, allowNull: true },
        reason: { type: DataTypes.TEXT, allowNull: true },
        paymentId: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'claims' },
    );
  }
}

/** One cost of a claim: the day, the kind, what it was (route or phone bill period), the amount, its 发票 and receipt. */
export class ClaimLine extends Model<InferAttributes<ClaimLine>, InferCreationAttributes<ClaimLine>> {
  declare id: CreationOptional<number>;
  declare claimId: number;
  declare spentOn: string;
  declare kind: ClaimKind;
  declare description: string;
  declare amountFen: number;
  declare fapiaoCode: string | null;
  declare fapiaoNumber: string;
  declare fapiaoKey: string;
  /** The 20-digit 数电票号码 a paper 数电票 prints beside its classic code and number. */
  declare fapiaoDigitalNumber: string | null;
  declare receiptFileId: number;
  /** What the officer verifying or finance approving lowered the line to (null: the amount claimed stands), why, who and when. */
  declare sanctionedFen: CreationOptional<number | null>;
  declare sanctionReason: CreationOptional<string | null>;
  declare sanctionedBy: CreationOptional<number | null>;
  declare sanctionedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare receipt?: NonAttribute<StoredFile>;
  declare sanctioner?: NonAttribute<User>;

  /** The amount that counts: the sanctioned one when it was lowered, else the amount claimed. */
  get countedFen(): NonAttribute<number> {
    return this.sanctionedFen ?? this.amountFen;
  }

  /** Every key this line's 发票 is known by: its own, and a paper 数电票's 20-digit number. */
  get fapiaoKeys(): NonAttribute<string[]> {
    return this.fapiaoDigitalNumber ? [this.fapiaoKey, `e:${this.fapiaoDigitalNumber}`] : [this.fapiaoKey];
  }

  static initModel(sequelize: Sequelize): void {
    ClaimLine.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        claimId: { type: DataTypes.INTEGER, allowNull: false },
        spentOn: { type: DataTypes.DATEONLY, allowNull: false },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [CLAIM_KINDS] } },
        description: { type: DataTypes.STRING(200), allowNull: false },
        amountFen: fen('amountFen'),
        fapiaoCode: { type: DataTypes.STRING(12), allowNull: true },
        fapiaoNumber: { type: DataTypes.STRING(20), allowNull: false },
        fapiaoKey: { type: DataTypes.STRING(40), allowNull: false },
        fapiaoDigitalNumber: { type: DataTypes.STRING(20), allowNull: true },
        receiptFileId: { type: DataTypes.INTEGER, allowNull: false },
        sanctionedFen: {
          type: DataTypes.BIGINT,
          allowNull: true,
          get(this: Model) {
            const v = this.getDataValue('sanctionedFen');
            return v === null || v === undefined ? null : Number(v);
          },
        },
        sanctionReason: { type: DataTypes.STRING(500), allowNull: true },
        sanctionedBy: { type: DataTypes.INTEGER, allowNull: true },
        sanctionedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'claim_lines' },
    );
  }
}

/** A 发票 key held by a live claim line (a paper 数电票's line holds two): the unique key makes "never reimbursed twice" hold under races. */
export class ClaimedFapiao extends Model<InferAttributes<ClaimedFapiao>, InferCreationAttributes<ClaimedFapiao>> {
  declare id: CreationOptional<number>;
  declare fapiaoKey: string;
  declare claimId: number;
  declare claimLineId: number;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ClaimedFapiao.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        fapiaoKey: { type: DataTypes.STRING(40), allowNull: false, unique: true },
        claimId: { type: DataTypes.INTEGER, allowNull: false },
        claimLineId: { type: DataTypes.INTEGER, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'claimed_fapiaos', updatedAt: false },
    );
  }
}

/** A monthly cap per worker and kind: `contractId` null is the city default, else that contract's own. */
export class ClaimCap extends Model<InferAttributes<ClaimCap>, InferCreationAttributes<ClaimCap>> {
  declare id: CreationOptional<number>;
  declare contractId: number | null;
  declare kind: ClaimKind;
  declare capFen: number;
  declare updatedBy: number | null;
  declare lockVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ClaimCap.init(
      {
        id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
        contractId: { type: DataTypes.INTEGER, allowNull: true },
        kind: { type: DataTypes.STRING(16), allowNull: false, validate: { isIn: [CLAIM_KINDS] } },
        capFen: fen('capFen'),
        updatedBy: { type: DataTypes.INTEGER, allowNull: true },
        lockVersion: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'claim_caps' },
    );
  }
}
