import { expect } from 'chai';
import { CONTRACT_TRANSITIONS, type Contract, type ContractStatus, contractCanMove } from '../../models/Contract.js';
import { contractActivator } from '../../server/commands/contractActivator.js';
import { contractAmender } from '../../server/commands/contractAmender.js';
import { contractUpdater } from '../../server/commands/contractCreator.js';
import { contractTerminator } from '../../server/commands/contractTerminator.js';
import type { HttpError } from '../../server/errors.js';
import { type BuiltContract, buildContract, contractTerms } from '../factories/contracts.js';
import { actorOf } from '../factories/finance.js';

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
      const allowed = contractCanMove(status, move);
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
