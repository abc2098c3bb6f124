/** The runs of the open experiments: filter, columns, the virtual table, selection and its actions. */
import type { ViewType } from '@mlflow-ts/client';
import { useCallback, useMemo, useState } from 'react';
import { client, errorText } from '../api.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { ExperimentHeader } from '../experiments/experiment-header.tsx';
import { Link, navigate } from '../router.tsx';
import { compareRoute, type Route, runRoute } from '../url-state.ts';
import { ColumnPicker } from './column-picker.tsx';
import { type Column, defaultColumns, orderByFor, visibleColumns } from './columns.ts';
import { FilterBox } from './filter-box.tsx';
import { groupRuns } from './nesting.ts';
import { RunsTable } from './runs-table.tsx';
import { useRunSearch } from './use-run-search.ts';

type ExperimentsRoute = Extract<Route, { page: 'experiments' }>;

/**
 * "Select all" takes the first runs only: the selection lives in the URL (a link must stay a link), and
 * 300 run ids make a URL of about 11 kB, inside the 16 kB of request head Node's HTTP server accepts.
 * Charts fetch such a comparison in calls of 100 runs (charts/history.ts).
 */
const MAX_SELECT_ALL = 300;

const VIEW_TYPES: Record<ExperimentsRoute['view'], ViewType> = {
  active: 'ACTIVE_ONLY',
  deleted: 'DELETED_ONLY',
  all: 'ALL',
};

export function RunsView({ route }: { route: ExperimentsRoute }) {
  const update = useCallback(
    (patch: Partial<ExperimentsRoute>, replace = false) => navigate({ ...route, ...patch }, { replace }),
    [route],
  );
  const orderBy = useMemo(
    () => (route.sort ? orderByFor(route.sort.col, route.sort.desc) : []),
    [route.sort],
  );
  const search = useRunSearch({
    experimentIds: route.exp,
    filter: route.filter,
    orderBy,
    viewType: VIEW_TYPES[route.view],
  });
  // Until the user picks columns, a few keys of the first page are shown (and not written to the URL).
  const chosen = route.cols.length ? route.cols : defaultColumns(search.runs);
  // Keyed by content: the default list is a new array on every render.
  const chosenKey = chosen.join('\n');
  const multiExperiment = route.exp.length > 1;
  const columns = useMemo(
    () => visibleColumns(chosenKey ? chosenKey.split('\n') : [], multiExperiment),
    [chosenKey, multiExperiment],
  );
  const selected = useMemo(() => new Set(route.sel), [route.sel]);
  const [actionError, setActionError] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => groupRuns(search.runs, expanded), [search.runs, expanded]);
  const onToggleExpand = useCallback(
    (id: string) =>
      setExpanded((prev) => {
        const next = new Set(prev);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );

  const onSort = useCallback(
    (col: Column) => {
      const desc = route.sort?.col === col.id ? !route.sort.desc : col.numeric;
      update({ sort: { col: col.id, desc } });
    },
    [route.sort, update],
  );
  const onToggle = useCallback(
    (id: string) =>
      update({ sel: selected.has(id) ? route.sel.filter((s) => s !== id) : [...route.sel, id] }, true),
    [route.sel, selected, update],
  );
  const allSelected =
    search.runs.length > 0 && search.runs.slice(0, MAX_SELECT_ALL).every((r) => selected.has(r.info.run_id));
  const onToggleAll = useCallback(
    () =>
      update(
        { sel: allSelected ? [] : search.runs.slice(0, MAX_SELECT_ALL).map((r) => r.info.run_id) },
        true,
      ),
    [allSelected, search.runs, update],
  );

  const lifecycle = async (action: 'delete' | 'restore') => {
    if (
      action === 'delete' &&
      !window.confirm(`Delete ${route.sel.length} run(s)? They can be restored later.`)
    )
      return;
    setActionError(null);
    try {
      for (const id of route.sel) {
        if (action === 'delete') await client.deleteRun(id);
        else await client.restoreRun(id);
      }
      update({ sel: [] }, true);
      search.reload();
    } catch (err) {
      setActionError(errorText(err));
    }
  };

  if (route.exp.length === 0) return <Empty>Choose an experiment on the left.</Empty>;
  const filterError = search.error !== undefined && route.filter ? search.error : undefined;

  return (
    <section className="runs-view" aria-label="Runs">
      {route.exp.length === 1 && <ExperimentHeader key={route.exp[0]} experimentId={route.exp[0]!} />}
      <FilterBox value={route.filter} error={filterError} onApply={(filter) => update({ filter, sel: [] })} />
      <div className="toolbar">
        <ColumnPicker
          experimentIds={route.exp}
          runs={search.runs}
          chosen={chosen}
          onChange={(cols) => update({ cols }, true)}
        />
        <label>
          Show{' '}
          <select
            value={route.view}
            onChange={(e) => update({ view: e.target.value as ExperimentsRoute['view'] })}
          >
            <option value="active">active runs</option>
            <option value="deleted">deleted runs</option>
            <option value="all">all runs</option>
          </select>
        </label>
        <span className="count" aria-live="polite">
          {search.runs.length}
          {search.complete ? '' : '+'} run{search.runs.length === 1 ? '' : 's'}
          {search.loading && search.runs.length > 0 ? ' · loading more…' : ''}
        </span>
        <span className="spacer" />
        {route.sel.length > 0 && <span>{route.sel.length} selected</span>}
        <Link
          to={compareRoute(route.sel)}
          className={`button${route.sel.length >= 2 ? ' primary' : ' disabled'}`}
          aria-disabled={route.sel.length < 2}
          onClick={(e) => route.sel.length < 2 && e.preventDefault()}
        >
          Compare
        </Link>
        {route.view !== 'deleted' && (
          <button type="button" disabled={route.sel.length === 0} onClick={() => lifecycle('delete')}>
            Delete
          </button>
        )}
        {route.view !== 'active' && (
          <button type="button" disabled={route.sel.length === 0} onClick={() => lifecycle('restore')}>
            Restore
          </button>
        )}
      </div>
      {actionError && (
        <div className="state state-error" role="alert">
          {actionError}
        </div>
      )}
      {search.error !== undefined && !filterError && (
        <ErrorBox error={search.error} onRetry={search.reload} />
      )}
      {search.loading && search.runs.length === 0 ? (
        <Loading what="runs" />
      ) : search.runs.length === 0 ? (
        search.error === undefined && (
          <Empty>{route.filter ? 'No run matches this filter.' : 'No runs in this experiment yet.'}</Empty>
        )
      ) : (
        <RunsTable
          rows={rows}
          columns={columns}
          sort={route.sort}
          selected={selected}
          allSelected={allSelected}
          complete={search.complete}
          onSort={onSort}
          onRemoveColumn={(col) => update({ cols: chosen.filter((c) => c !== col.id) }, true)}
          onToggle={onToggle}
          onToggleAll={onToggleAll}
          onToggleExpand={onToggleExpand}
          onOpen={(id) => navigate(runRoute(id))}
          onNearEnd={search.loadMore}
        />
      )}
    </section>
  );
}
