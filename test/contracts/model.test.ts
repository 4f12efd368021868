import { expect } from 'chai';
import { CONTRACT_STATUSES, CONTRACT_TRANSITIONS, Contract } from '../../models/Contract.js';
import { canMove } from '../../models/transitions.js';
import { ContractVersion } from '../../models/ContractVersion.js';
import { Instalment } from '../../models/Instalment.js';
import { unique } from '../factories/index.js';
import { buildProject } from '../factories/projects.js';

describe('contracts: model and table', () => {
  it('declares the transition table once: draft → active → completed | terminated', () => {
    expect(CONTRACT_STATUSES).to.deep.equal(['draft', 'active', 'completed', 'terminated']);
    expect(canMove(CONTRACT_TRANSITIONS, 'draft', 'activate')).to.equal(true);
    expect(canMove(CONTRACT_TRANSITIONS, 'active', 'activate')).to.equal(false);
    expect(canMove(CONTRACT_TRANSITIONS, 'active', 'terminate')).to.equal(true);
    expect(canMove(CONTRACT_TRANSITIONS, 'draft', 'terminate')).to.equal(false);
    expect(canMove(CONTRACT_TRANSITIONS, 'terminated', 'amend')).to.equal(false);
    expect(CONTRACT_TRANSITIONS.amend.to).to.equal('active');
  });

  it('stores a contract with money as integer fen, its instalments and a version snapshot', async () => {
    const { project, award, organisation, creator } = await buildProject({ status: 'awarded', budgetFen: 12_345_678 });
    const contract = await Contract.create({
      number: unique('HT'),
      projectId: project.id,
      awardId: award!.id,
      organisationId: organisation!.id,
      districtId: project.districtId,
      year: project.year,
      valueFen: 12_345_678,
      termStart: '2026-01-01',
      termEnd: '2026-12-31',
      createdBy: creator.id,
    });
    const again = await Contract.findByPk(contract.id);
    expect(again!.valueFen).to.equal(12_345_678);
    expect(again!.status).to.equal('draft');
    const i = await Instalment.create({ contractId: contract.id, seq: 1, amountFen: 12_345_678, milestone: '终期', requiresFinalEvaluation: true });
    expect((await Instalment.findByPk(i.id))!.status).to.equal('scheduled');
    const v = await ContractVersion.create({
      contractId: contract.id,
      version: 1,
      reason: '签订',
      valueFen: 12_345_678,
      snapshot: {
        valueFen: 12_345_678,
        reimbursementCeilingFen: 0,
        termStart: '2026-01-01',
        termEnd: '2026-12-31',
        termJustification: null,
        texts: {},
        targets: [],
        instalments: [],
      },
      createdBy: creator.id,
    });
    expect((await ContractVersion.findByPk(v.id))!.snapshot.valueFen).to.equal(12_345_678);
  });
});
