import { expect } from 'chai';
import { Op, literal } from 'sequelize';
import { District, Organisation } from '../../models/index.js';
import { buildOrganisation, district } from '../factories/index.js';
import { figureKey, figureSql, readFigures } from '../../server/services/figures.js';

/**
 * A figure's SQL is made once per figure (#15): the cached text must still follow every part of
 * the figure — operator, values, dates, literals, model, summed column — so two figures that
 * differ anywhere never share a statement.
 */
describe('figures: SQL made once per figure', () => {
  it('counts what each figure says, asked again and again with different values', async () => {
    const a = await buildOrganisation({ districtCode: 'FT' });
    const b = await buildOrganisation({ districtCode: 'LH' });
    const ft = await district('FT');
    const lh = await district('LH');
    for (let round = 0; round < 2; round++) {
      const [onlyA, both, none, ftOrgs, notFt] = await readFigures([
        { model: Organisation, where: { id: { [Op.in]: [a.id] } } },
        { model: Organisation, where: { id: { [Op.in]: [a.id, b.id] } } },
        { model: Organisation, where: { id: { [Op.in]: [a.id, b.id] }, createdAt: { [Op.lt]: new Date('2000-01-01T00:00:00Z') } } },
        { model: Organisation, where: { id: { [Op.in]: [a.id, b.id] }, districtId: ft.id } },
        { model: Organisation, where: { id: { [Op.in]: [a.id, b.id] }, districtId: { [Op.ne]: ft.id } } },
      ]);
      expect([onlyA, both, none, ftOrgs, notFt], `round ${round}`).to.deep.equal([1, 2, 0, 1, 1]);
      const [lhOrgs] = await readFigures([{ model: Organisation, where: { id: { [Op.in]: [a.id, b.id] }, districtId: lh.id } }]);
      expect(lhOrgs).to.equal(1);
    }
  });

  it('gives different statements for figures that differ in operator, value, date, literal, model or sum', () => {
    const figures = [
      { model: Organisation, where: { id: 1 } },
      { model: Organisation, where: { id: '1' } },
      { model: Organisation, where: { id: { [Op.ne]: 1 } } },
      { model: Organisation, where: { id: { [Op.gt]: 1 } } },
      { model: Organisation, where: { createdAt: { [Op.lt]: new Date('2026-01-01T00:00:00Z') } } },
      { model: Organisation, where: { createdAt: { [Op.lt]: new Date('2026-01-02T00:00:00Z') } } },
      { model: Organisation, where: { [Op.and]: [literal('1 = 1')] } },
      { model: Organisation, where: { [Op.and]: [literal('1 = 0')] } },
      { model: District, where: { id: 1 } },
      { model: District, where: { id: 1 }, sum: 'id' },
    ];
    const first = figures.map((f) => figureSql(f));
    expect(new Set(first).size).to.equal(figures.length);
    expect(figures.map((f) => figureSql(f))).to.deep.equal(first);
    expect(new Set(figures.map((f) => figureKey(f))).size).to.equal(figures.length);
  });

  it('does not keep a figure it cannot describe exactly (a value of another kind)', () => {
    class Odd {
      toString() {
        return '1';
      }
    }
    expect(figureKey({ model: Organisation, where: { id: new Odd() as unknown as number } })).to.equal(undefined);
  });
});
