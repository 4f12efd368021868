import { expect } from 'chai';
import { CONTRACT_TRANSITIONS, type Contract, type ContractStatus } from '../../models/Contract.js';
import { canMove } from '../../models/transitions.js';
import { Instalment } from '../../models/Instalment.js';
import { contractActivator } from '../../server/commands/contracts/contractActivator.js';
import { contractAmender } from '../../server/commands/contracts/contractAmender.js';
import { contractCompleter } from '../../server/commands/contracts/contractCompleter.js';
import { contractUpdater } from '../../server/commands/contracts/contractUpdater.js';
import { contractTerminator } from '../../server/commands/contracts/contractTerminator.js';
import type { HttpError } from '../../server/errors.js';
import { balance, verifyLedger } from '../../server/services/ledger.js';
import { type BuiltContract, buildContract, contractTerms } from '../factories/contracts.js';
import { actorOf } from '../factories/finance.js';
import { Project } from '../../models/Project.js';

type Move = 'edit' | 'activate' | 'amend' | 'terminate';

function run(move: Move, built: BuiltContract): Promise<Contract> {
  const by = { actor: actorOf(built.officer) };
  const c = built.contract;
  if (move === 'edit') return contractUpdater(c.id, contractTerms({ number: c.number }), by);
  if (move === 'activate') return contractActivator(c.id, by);
  if (move === 'terminate') return contractTerminator(c.id, '原因', by);
  return contractAmender(
    c.id,
    {
      reason: '变更',
      valueFen: c.valueFen,
      termStart: c.termStart,
      termEnd: c.termEnd,
      termJustification: null,
      reimbursementCeilingFen: 0,
      targets: [],
      scheduleMode: 'percent',
      instalments: [{ percentBp: 10_000, milestone: '终期' }],
    },
    by,
  );
}

describe('contracts: the transition table through the commands', () => {
  const statuses: Extract<ContractStatus, 'draft' | 'active' | 'terminated'>[] = ['draft', 'active', 'terminated'];
  const moves: Move[] = ['edit', 'amend', 'terminate'];
  for (const status of statuses) {
    for (const move of moves) {
      const allowed = canMove(CONTRACT_TRANSITIONS, status, move);
      it(`${allowed ? 'allows' : 'refuses (409)'} ${move} from ${status}`, async () => {
        const built = await buildContract({ status });
        if (allowed) {
          const after = await run(move, built);
          expect(after.status).to.equal(CONTRACT_TRANSITIONS[move].to);
        } else {
          try {
            await run(move, built);
            expect.fail('expected 409');
          } catch (e) {
            expect((e as HttpError).status).to.equal(409);
          }
        }
      });
    }
  }

  it('refuses activation (409) from active and terminated', async () => {
    for (const status of ['active', 'terminated'] as const) {
      const built = await buildContract({ status });
      const e = await run('activate', built).catch((err: HttpError) => err);
      expect((e as HttpError).status).to.equal(409);
    }
  });
});

describe('contracts: completion', () => {
  it('refuses to complete while an instalment is open (409), completes once all are paid, and releases what is left', async () => {
    const built = await buildContract({ status: 'active', valueFen: 900_000 });
    const by = { actor: actorOf(built.officer) };
    const open = await contractCompleter(built.contract.id, by).catch((e: HttpError) => e);
    expect((open as HttpError).status).to.equal(409);
    await Instalment.update({ status: 'paid' }, { where: { contractId: built.contract.id } });
    const done = await contractCompleter(built.contract.id, by);
    expect(done.status).to.equal('completed');
    expect((await Project.findByPk(built.contract.projectId))!.status, 'the project closes with its contract').to.equal('closed');
    expect(await balance('contract_committed', built.contract.id)).to.equal(0);
    expect((await verifyLedger()).ok).to.equal(true);
    const again = await contractCompleter(built.contract.id, by).catch((e: HttpError) => e);
    expect((again as HttpError).status).to.equal(409);
  });
});
