import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { HELD } from '../../server/services/listing.js';
import { PageBeyondLastError } from '../../server/errors.js';
import { exportHref, filterValues, listFrame, pageWindow, SHOW_ALL, scopedColumns, scopeShow, withAll } from '../../server/presenters/list-page.js';

describe('the list-page frame every list shares', () => {
  const query = { page: 3, perPage: 25, sort: 'name', dir: 'asc' as const, q: '福田', year: 2026, districtId: undefined, status: null };

  it('reads the requested page of rows', () => {
    expect(pageWindow(query)).to.deep.equal({ limit: 25, offset: 50 });
    expect(pageWindow({ page: 1, perPage: 10 })).to.deep.equal({ limit: 10, offset: 0 });
    // A page reached by "next", "previous" or "last" carries its cursor to findListPage (#15).
    expect(pageWindow({ page: 1, perPage: 10, after: 'abc' })).to.deep.equal({
      limit: 10,
      offset: 0,
      cursor: { after: 'abc', before: undefined, last: false },
    });
    expect(pageWindow({ page: 1, perPage: 10, last: '1' }).cursor).to.include({ last: true });
  });

  it('links the export to exactly what is filtered, without page, size or sort', () => {
    expect(exportHref('/catalogue', query, 'csv')).to.equal(`/catalogue?q=${encodeURIComponent('福田')}&year=2026&format=csv`);
    expect(exportHref('/catalogue', { page: 2, perPage: 10, sort: 'id', dir: 'desc' }, 'xlsx')).to.equal('/catalogue?format=xlsx');
  });

  it('shows each filter as text, empty when not filtered, and keeps sort, direction and page size', () => {
    expect(filterValues(query, ['q', 'year', 'districtId', 'status'])).to.deep.equal({
      q: '福田',
      year: '2026',
      districtId: '',
      status: '',
      sort: 'name',
      dir: 'asc',
      perPage: 25,
    });
  });

  it('leads a filter’s choices with “all”', () => {
    const lang = { t: (key: unknown) => (key === 'list.all' ? '全部' : String(key)), locale: 'zh-CN' as const };
    expect(withAll(lang, [{ value: 1, label: '福田区' }])).to.deep.equal([
      { value: '', label: '全部' },
      { value: 1, label: '福田区' },
    ]);
  });

  it('builds pagination and sort links for the list', () => {
    const frame = listFrame('/projects', query, 120, ['name', 'year'] as const, ['q']);
    expect(frame.pagination).to.include({ page: 3, pages: 5, total: 120 });
    expect(frame.sort.name).to.include({ active: true, dir: 'asc' });
    expect(frame.sort.name.href).to.contain('dir=desc');
    expect(frame.sort.year.active).to.equal(false);
    expect(frame.csvHref).to.match(/format=csv$/);
  });
});

describe('a list page past its last page', () => {
  it('is sent to the last page there is, with its filters and sort', () => {
    const query = { page: 9, perPage: 25, sort: 'name', dir: 'asc' as const, q: '福田' };
    expect(() => listFrame('/projects', query, 60, ['name'] as const, ['q']))
      .to.throw(PageBeyondLastError)
      .with.property('lastPageHref')
      .that.matches(/page=3/);
    expect(() => listFrame('/projects', { ...query, page: 3 }, 60, ['name'] as const, ['q'])).to.not.throw();
  });
});

describe('every list shares the frame (#13)', () => {
  const read = (dir: string) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => ({ f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));

  it('takes its pagination from listFrame, or reads the page pagination settled on, so a page past the last shows the last on every list', () => {
    const direct = read('server/presenters').filter(
      ({ f, text }) => f !== 'list-page.ts' && /\bpaginationOf\(/.test(text) && !/pagination\.page - 1\)/.test(text),
    );
    expect(direct.map(({ f }) => f)).to.deep.equal([]);
  });

  it('reads its query through listQuery, so its filter form may post and a searched number is held', () => {
    const plain = read('routes').filter(({ text }) => /validateQuery\(\w*(?:ListQuery|auditQuery|reviewQueueQuery)\)/.test(text));
    expect(plain.map(({ f }) => f)).to.deep.equal([]);
  });

  it('counts the filters set, for the folded form’s toggle', () => {
    const frame = listFrame('/projects', { page: 1, perPage: 25, sort: 'name', dir: 'asc', q: '福田', year: 2026, status: undefined }, 3, ['name'] as const, [
      'q',
      'year',
      'status',
    ]);
    expect(frame.active).to.equal(2);
  });

  it('never writes a held search into a link', () => {
    const query = Object.assign({ page: 1, perPage: 25, sort: 'name', dir: 'asc' as const, q: '13812345678', held: 'A'.repeat(22) }, { [HELD]: ['q'] });
    const frame = listFrame('/workers', query, 60, ['name'] as const, ['q']);
    for (const href of [frame.csvHref, frame.xlsxHref, frame.sort.name.href, frame.pagination.nextHref ?? '']) {
      expect(href)
        .to.contain(`held=${'A'.repeat(22)}`)
        .and.not.contain('13812345678');
    }
  });

  it('shows the district and organisation only where the reader’s scope leaves a choice', () => {
    const actor = (role: string, cityLevel: boolean) =>
      ({
        id: 1,
        username: 'u',
        displayName: 'u',
        role,
        districtId: 2,
        cityLevel,
        agencyId: null,
        organisationId: role === 'org' ? 9 : null,
        mustChangePassword: false,
      }) as Parameters<typeof scopeShow>[0];
    expect(scopeShow(actor('org', false))).to.deep.equal({ district: false, organisation: false });
    expect(scopeShow(actor('org', false), 'many')).to.deep.equal({ district: true, organisation: false });
    expect(scopeShow(actor('officer', false))).to.deep.equal({ district: false, organisation: true });
    expect(scopeShow(actor('finance', true))).to.deep.equal(SHOW_ALL);
    expect(scopeShow(actor('admin', false))).to.deep.equal(SHOW_ALL);
    expect(scopeShow(actor('evaluator', false))).to.deep.equal(SHOW_ALL);
    const columns = [
      { header: '区', value: () => 1, scope: 'district' as const },
      { header: '社会组织', value: () => 2, scope: 'organisation' as const },
      { header: '金额', value: () => 3 },
    ];
    expect(scopedColumns(columns, scopeShow(actor('org', false))).map((c) => c.header)).to.deep.equal(['金额']);
  });
});
