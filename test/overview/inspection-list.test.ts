import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { AuditEvent, type District, type User } from '../../models/index.js';
import { Inspection, InspectionFinding } from '../../models/Inspection.js';
import { today } from '../../server/clock.js';
import { addDays } from '../../server/services/calendar.js';
import { buildUser, TEST_PASSWORD } from '../factories/index.js';
import { buildFixtureDistrict } from '../factories/overview.js';
import { type Agent, binaryParser, loginAs } from '../support/agent.js';
import { testSequelize } from '../support/hooks.js';

const toArrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
/** The count a list page says it holds ("共 N 条"). */
const listTotal = (html: string) => Number(/共 (\d+) 条/.exec(html)?.[1] ?? -1);
/** The titles of the rows shown, in order. */
const titles = (html: string) => [...html.matchAll(/data-testid="inspection-row"[^>]*>\s*<td><a href="[^"]+">([^<]+)</g)].map((m) => m[1]);

describe('the inspections list (#17): filtered by district, state and overdue rectification, sorted, paged, exported as filtered', () => {
  let a: District;
  let b: District;
  let officerB: User;
  let inspector: Agent;
  const tag = `L${Date.now()}`;

  /** An inspection opened on `openedOn` with findings in the given states (a rectifying one with its deadline). */
  async function inspection(
    district: District,
    title: string,
    openedOn: string,
    findings: { status: InspectionFinding['status']; deadline?: string }[],
    status: 'open' | 'closed' = 'open',
  ) {
    const opener = (await buildUser('inspector', { districtCode: 'SZ' })).user;
    const i = await Inspection.create({ districtId: district.id, agencyId: null, title: `${tag}${title}`, openedBy: opener.id, openedOn, status });
    let seq = 0;
    for (const f of findings) {
      seq += 1;
      await InspectionFinding.create({ inspectionId: i.id, districtId: district.id, seq, text: `问题${seq}`, status: f.status, deadline: f.deadline ?? null });
    }
    return i;
  }

  before(async () => {
    ({ district: a } = await buildFixtureDistrict(1));
    ({ district: b, officer: officerB } = await buildFixtureDistrict(1));
    const day = today();
    await inspection(a, '甲-逾期整改', addDays(day, -30), [{ status: 'rectifying', deadline: addDays(day, -1) }, { status: 'closed' }]);
    await inspection(a, '乙-整改未到期', addDays(day, -20), [{ status: 'rectifying', deadline: day }]);
    await inspection(a, '丙-已办结', addDays(day, -60), [{ status: 'closed' }], 'closed');
    for (let i = 0; i < 11; i += 1) await inspection(b, `丁-${String(i).padStart(2, '0')}`, addDays(day, -i), [{ status: 'open' }]);
    inspector = await loginAs((await buildUser('inspector', { districtCode: 'SZ' })).user, TEST_PASSWORD);
  });

  it('filters by district, state and overdue rectification, and says how many it holds', async () => {
    const all = (await inspector.get(`/overview/inspections?districtId=${a.id}`).expect(200)).text;
    expect(listTotal(all)).to.equal(3);
    const overdue = (await inspector.get(`/overview/inspections?districtId=${a.id}&overdue=yes`).expect(200)).text;
    expect(listTotal(overdue)).to.equal(1);
    expect(titles(overdue)).to.deep.equal([`${tag}甲-逾期整改`]);
    expect(overdue).to.contain('data-testid="overdue"').and.to.contain('逾期 1 项');
    expect(overdue).to.contain('data-testid="active-filters"');
    const closed = (await inspector.get(`/overview/inspections?districtId=${a.id}&status=closed`).expect(200)).text;
    expect(titles(closed)).to.deep.equal([`${tag}丙-已办结`]);
    // A deadline of today is not yet overdue.
    expect(titles(all)).to.include(`${tag}乙-整改未到期`);
    expect((await inspector.get('/overview/inspections?overdue=maybe')).status).to.equal(400);
    expect((await inspector.get('/overview/inspections?sort=deadline')).status).to.equal(400);
  });

  it('sorts by the column asked for, either way, and pages', async () => {
    const byOpened = titles((await inspector.get(`/overview/inspections?districtId=${a.id}`).expect(200)).text);
    expect(byOpened).to.deep.equal([`${tag}乙-整改未到期`, `${tag}甲-逾期整改`, `${tag}丙-已办结`]);
    const byTitleDesc = titles((await inspector.get(`/overview/inspections?districtId=${a.id}&sort=title&dir=desc`).expect(200)).text);
    expect(byTitleDesc).to.deep.equal([...byTitleDesc].sort().reverse());
    const byStatus = titles((await inspector.get(`/overview/inspections?districtId=${a.id}&sort=status&dir=asc`).expect(200)).text);
    expect(byStatus[0]).to.equal(`${tag}丙-已办结`);

    const first = (await inspector.get(`/overview/inspections?districtId=${b.id}&perPage=10`).expect(200)).text;
    expect(listTotal(first)).to.equal(11);
    expect(titles(first)).to.have.length(10);
    const second = (await inspector.get(`/overview/inspections?districtId=${b.id}&perPage=10&page=2`).expect(200)).text;
    expect(titles(second)).to.deep.equal([`${tag}丁-10`]);
    const beyond = await inspector.get(`/overview/inspections?districtId=${b.id}&perPage=10&page=9`);
    expect(beyond.status).to.equal(303);
  });

  it('exports exactly what is filtered as XLSX and CSV, audited', async () => {
    const res = await inspector.get(`/overview/inspections?districtId=${a.id}&overdue=yes&format=xlsx`).buffer(true).parse(binaryParser).expect(200);
    expect(res.headers['content-type']).to.contain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(toArrayBuffer(res.body as Buffer));
    const sheet = book.worksheets[0];
    expect(sheet.rowCount).to.equal(2);
    expect(sheet.getRow(1).getCell(1).value).to.equal('督查事项');
    expect(sheet.getRow(2).getCell(1).value).to.equal(`${tag}甲-逾期整改`);
    const csv = await inspector.get(`/overview/inspections?districtId=${a.id}&format=csv`).expect(200);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines).to.have.length(4);
    const event = await AuditEvent.findOne({ where: { action: 'inspection.export' }, order: [['id', 'DESC']] });
    expect(JSON.parse(event?.detail ?? '{}')).to.include({ format: 'csv' });
  });

  it("keeps district staff to their own district's inspections, in the list and the export", async () => {
    const agent = await loginAs(officerB, TEST_PASSWORD);
    const own = (await agent.get('/overview/inspections?perPage=100').expect(200)).text;
    expect(listTotal(own)).to.equal(11);
    expect(own).not.to.contain(`${tag}甲`);
    const other = (await agent.get(`/overview/inspections?districtId=${a.id}`).expect(200)).text;
    expect(listTotal(other)).to.equal(0);
    const csv = await agent.get(`/overview/inspections?format=csv&districtId=${a.id}`).expect(200);
    expect(csv.text).not.to.contain(`${tag}甲`);
  });

  it('reads a page with the same number of queries for 3 inspections as for 11', async () => {
    const sequelize = testSequelize();
    const count = async (districtId: number) => {
      let n = 0;
      sequelize.addHook('beforeQuery', 'count-inspection-queries', () => {
        n += 1;
      });
      try {
        await inspector.get(`/overview/inspections?districtId=${districtId}&perPage=25`).expect(200);
      } finally {
        sequelize.removeHook('beforeQuery', 'count-inspection-queries');
      }
      return n;
    };
    expect(await count(b.id)).to.equal(await count(a.id));
  });
});
