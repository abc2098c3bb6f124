import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareRoute, DEFAULT_CHART, parseRoute, type Route, routeToUrl, runRoute } from './url-state.ts';

const roundTrip = (r: Route) => {
  const u = new URL(routeToUrl(r), 'http://x');
  return parseRoute(u.pathname, u.search);
};

describe('url state', () => {
  it('reads the landing page with everything in the query', () => {
    const r = parseRoute(
      '/',
      '?exp=1&exp=7&filter=metrics.loss+%3C+1&sort=metric:loss&dir=asc&col=param:lr&sel=abc&view=all',
    );
    assert.deepEqual(r, {
      page: 'experiments',
      exp: ['1', '7'],
      filter: 'metrics.loss < 1',
      sort: { col: 'metric:loss', desc: false },
      cols: ['param:lr'],
      sel: ['abc'],
      view: 'all',
    });
  });

  it('takes /experiments/<id> as a short link and defaults what is absent', () => {
    assert.deepEqual(parseRoute('/experiments/3', ''), {
      page: 'experiments',
      exp: ['3'],
      filter: '',
      sort: null,
      cols: [],
      sel: [],
      view: 'active',
    });
  });

  it('round-trips every page, keys with spaces, slashes and quotes included', () => {
    const routes: Route[] = [
      {
        page: 'experiments',
        exp: ['1', '2'],
        filter: `params."my key" = 'a&b' and tags.\`x/y\` LIKE '%z'`,
        sort: { col: 'metric:val loss/epoch', desc: true },
        cols: ['metric:val loss/epoch', 'tag:mlflow.user'],
        sel: ['r1', 'r2'],
        view: 'deleted',
      },
      runRoute('abc', {
        tab: 'charts',
        metrics: ['a b', 'c/d'],
        chart: { x: 'relative', log: true, smooth: 0.6 },
      }),
      runRoute('abc', { tab: 'artifacts', path: 'model/data' }),
      { ...compareRoute(['a', 'b', 'c']), tab: 'diff', diffOnly: true, metric: 'loss' },
      { ...compareRoute(['a', 'b']), tab: 'scatter', sx: 'param:lr', sy: 'metric:val loss' },
      { ...compareRoute(['a', 'b']), tab: 'parallel', axes: ['param:lr', 'param:opt', 'metric:loss'] },
      { page: 'models', filter: 'iris' },
      { page: 'model', name: 'a/b model' },
      { page: 'version', name: 'a/b model', version: '12' },
    ];
    for (const r of routes) assert.deepEqual(roundTrip(r), r);
  });

  it('writes defaults as nothing, so plain views have short links', () => {
    assert.equal(routeToUrl(runRoute('abc')), '/runs/abc');
    assert.equal(routeToUrl(compareRoute(['a'])), '/compare?run=a');
    assert.equal(routeToUrl({ page: 'models', filter: '' }), '/models');
  });

  it('falls back to defaults for hand-edited nonsense and reports unknown paths', () => {
    const r = parseRoute('/runs/abc', '?tab=bogus&x=sideways&smooth=7');
    assert.equal(r.page, 'run');
    if (r.page === 'run') {
      assert.equal(r.tab, 'overview');
      assert.deepEqual(r.chart, { ...DEFAULT_CHART, smooth: 0.99 });
    }
    assert.deepEqual(parseRoute('/nowhere/at/all', ''), { page: 'not-found', path: '/nowhere/at/all' });
  });
});
