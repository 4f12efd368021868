import { expect } from 'chai';
import { PageBeyondLastError } from '../../server/errors.js';
import { exportHref, filterValues, listFrame, pageWindow, withAll } from '../../server/presenters/list-page.js';

describe('the list-page frame every list shares', () => {
  const query = { page: 3, perPage: 25, sort: 'name', dir: 'asc' as const, q: '福田', year: 2026, districtId: undefined, status: null };

  it('reads the requested page of rows', () => {
    expect(pageWindow(query)).to.deep.equal({ limit: 25, offset: 50 });
    expect(pageWindow({ page: 1, perPage: 10 })).to.deep.equal({ limit: 10, offset: 0 });
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
