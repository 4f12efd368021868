import { expect } from 'chai';
import { Op } from 'sequelize';
import { Instalment } from '../../models/Instalment.js';
import { buildContract } from '../factories/contracts.js';
import { type Agent, loginAs, postForm } from '../support/agent.js';

/**
 * Issue #12, defect 11: a schedule drafted in percentages stays in percentages when any field of
 * the contract is edited or the contract is amended (the form used to come back in amounts).
 */

const PASSWORD = 'correct horse battery staple';

const htmlDecoded = (s: string) =>
  s
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What a browser would send back from the page's form as it is: inputs, textareas, selected options. */
function formValues(html: string, testid: string): Record<string, string> {
  const start = html.indexOf(`data-testid="${testid}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const values: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /\bname="([^"]+)"/.exec(m[0])?.[1];
    if (name) values[name] = htmlDecoded(/\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) values[m[1]] = htmlDecoded(m[2]);
  for (const m of form.matchAll(/<select\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    values[m[1]] = htmlDecoded(/<option value="([^"]*)"\s*selected/.exec(m[2])?.[1] ?? /<option value="([^"]*)"/.exec(m[2])?.[1] ?? '');
  }
  return values;
}

const open = async (contractId: number) =>
  (await Instalment.findAll({ where: { contractId, status: { [Op.in]: ['scheduled', 'due'] } }, order: [['seq', 'ASC']] })).map((i) => [
    i.percentBasisPoints,
    i.amountFen,
  ]);

async function postBack(agent: Agent, url: string, page: string, changes: Record<string, string>) {
  const { _csrf, ...values } = formValues((await agent.get(page)).text, 'contract-form');
  return postForm(agent, url, { ...values, ...changes });
}

describe('contracts: a schedule in percentages stays in percentages (#12)', () => {
  it('the edit form of a draft shows the shares as entered, and saving another field keeps them shares', async () => {
    const { contract, officer } = await buildContract({ valueFen: 1_000_000 });
    const agent = await loginAs(officer, PASSWORD);
    const values = formValues((await agent.get(`/contracts/${contract.id}/edit`)).text, 'contract-form');
    expect(values).to.include({ scheduleMode: 'percent', figure_0: '30', figure_1: '40', figure_2: '30' });
    const res = await postBack(agent, `/contracts/${contract.id}`, `/contracts/${contract.id}/edit`, { content: '家庭探访及回访服务' });
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect(await open(contract.id)).to.deep.equal([
      [3000, 300_000],
      [4000, 400_000],
      [3000, 300_000],
    ]);
  });

  it('an amendment starts from the shares in force and keeps them shares, also with a new value', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    const agent = await loginAs(officer, PASSWORD);
    const values = formValues((await agent.get(`/contracts/${contract.id}/amend`)).text, 'contract-form');
    expect(values).to.include({ scheduleMode: 'percent', figure_0: '30', figure_1: '40', figure_2: '30' });
    const res = await postBack(agent, `/contracts/${contract.id}/amend`, `/contracts/${contract.id}/amend`, { reason: '服务量调减', value: '8000.00' });
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect(await open(contract.id)).to.deep.equal([
      [3000, 240_000],
      [4000, 320_000],
      [3000, 240_000],
    ]);
    const again = formValues((await agent.get(`/contracts/${contract.id}/amend`)).text, 'contract-form');
    expect(again).to.include({ scheduleMode: 'percent', figure_0: '30', figure_1: '40', figure_2: '30' });
  });

  it('with an instalment already requested, the amendment shows the open ones as shares of what is left (summing to 100 %)', async () => {
    const { contract, officer } = await buildContract({ status: 'active', valueFen: 1_000_000 });
    await Instalment.update({ status: 'requested' }, { where: { contractId: contract.id, seq: 1 } });
    const agent = await loginAs(officer, PASSWORD);
    const page = (await agent.get(`/contracts/${contract.id}/amend`)).text;
    const values = formValues(page, 'contract-form');
    expect(values).to.include({ scheduleMode: 'percent', figure_0: '57.14', figure_1: '42.86', figure_2: '' });
    expect(page).to.include('data-testid="schedule-rest"');
    const res = await postBack(agent, `/contracts/${contract.id}/amend`, `/contracts/${contract.id}/amend`, { reason: '期限不变，说明调整' });
    expect(res.status, res.text.slice(0, 300)).to.equal(302);
    expect(await open(contract.id)).to.deep.equal([
      [5714, 399_980],
      [4286, 300_020],
    ]);
  });

  it('a schedule entered in amounts stays in amounts', async () => {
    const { contract, officer } = await buildContract({
      valueFen: 1_000_000,
      terms: {
        scheduleMode: 'amount',
        instalments: [
          { amountFen: 250_000, milestone: '签订后' },
          { amountFen: 750_000, milestone: '终期' },
        ],
      },
    });
    const agent = await loginAs(officer, PASSWORD);
    const values = formValues((await agent.get(`/contracts/${contract.id}/edit`)).text, 'contract-form');
    expect(values).to.include({ scheduleMode: 'amount', figure_0: '2500.00', figure_1: '7500.00' });
  });
});
