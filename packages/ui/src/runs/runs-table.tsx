/**
 * The runs grid, virtualised both ways: only the rows and columns in view are in the DOM, so 100,000
 * runs and thousands of columns cost what one screen costs. The checkbox and name columns stay pinned.
 * Keyboard: ↑/↓/PgUp/PgDn/Home/End move, Space selects, Enter opens, →/← expand/collapse nested runs.
 *
 * It is an ARIA grid of divs, not a <table>: table layout cannot place virtual rows and columns absolutely.
 * Focus stays on the grid and the active row is named by aria-activedescendant, so rows and cells are not
 * focusable themselves (biome.json turns off the two a11y rules that assume otherwise for this file).
 */
import type { Run } from '@mlflow-ts/client';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, memo, useEffect, useMemo, useRef, useState } from 'react';
import { formatDuration, formatNumber, formatTime } from '../common/format.ts';
import { Link } from '../router.tsx';
import { runRoute, type SortSpec } from '../url-state.ts';
import { type CellValue, type Column, cellValue, NAME_COLUMN } from './columns.ts';
import type { GroupedRun } from './nesting.ts';

const ROW_HEIGHT = 30;
const CHECK_WIDTH = 36;
const PINNED_WIDTH = CHECK_WIDTH + NAME_COLUMN.width;
/** Ask for the next page when this many loaded rows are left below the view. */
const PREFETCH_ROWS = 200;

export interface RunsTableProps {
  /** Loaded runs in display order, nested runs under their parents (nesting.ts). */
  rows: GroupedRun[];
  columns: Column[];
  sort: SortSpec | null;
  selected: ReadonlySet<string>;
  /** The header checkbox's state ("select all" is decided by the caller). */
  allSelected: boolean;
  complete: boolean;
  onSort(col: Column): void;
  onRemoveColumn?(col: Column): void;
  onToggle(runId: string): void;
  onToggleAll(): void;
  onToggleExpand(runId: string): void;
  onOpen(runId: string): void;
  onNearEnd(): void;
}

function display(col: Column, v: CellValue): string {
  if (v === undefined) return '';
  if (typeof v === 'number') {
    if (col.key === 'start_time') return formatTime(v);
    if (col.key === 'duration') return formatDuration(v);
    return formatNumber(v);
  }
  return v;
}

export function RunsTable(props: RunsTableProps) {
  const { rows: runs, columns, selected } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);

  const rows = useVirtualizer({
    count: runs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 5,
  });
  const cols = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => columns[i]!.width,
    overscan: 3,
  });
  // Widths are known up front; re-measure when the set of columns changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: columns is the trigger.
  useEffect(() => cols.measure(), [columns]);

  const virtualRows = rows.getVirtualItems();
  const lastVisible = virtualRows[virtualRows.length - 1]?.index ?? 0;
  useEffect(() => {
    if (!props.complete && runs.length > 0 && lastVisible >= runs.length - PREFETCH_ROWS) props.onNearEnd();
  }, [lastVisible, runs.length, props.complete, props.onNearEnd]);

  const move = (to: number) => {
    const i = Math.max(0, Math.min(runs.length - 1, to));
    setActive(i);
    rows.scrollToIndex(i, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const row = runs[active];
    const run = row?.run;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(runs.length - 1),
      ' ': () => run && props.onToggle(run.info.run_id),
      Enter: () => run && props.onOpen(run.info.run_id),
      ArrowRight: () =>
        row && row.childCount > 0 && !row.expanded && props.onToggleExpand(row.run.info.run_id),
      ArrowLeft: () => row?.expanded && props.onToggleExpand(row.run.info.run_id),
    };
    const action = keys[e.key];
    if (action && e.target === e.currentTarget) {
      e.preventDefault();
      action();
    }
  };

  const totalWidth = PINNED_WIDTH + cols.getTotalSize();
  const virtualCols = cols.getVirtualItems();
  // The virtualiser returns the same array while the visible columns stay the same: rows stay memoised.
  const colStarts = useMemo(() => virtualCols.map((c) => [c.index, c.start] as const), [virtualCols]);

  return (
    <div
      ref={scrollRef}
      className="runs-grid"
      role="grid"
      aria-rowcount={runs.length + 1}
      aria-colcount={columns.length + 2}
      aria-activedescendant={runs[active] ? `run-row-${active}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div style={{ width: totalWidth, height: (runs.length + 1) * ROW_HEIGHT, position: 'relative' }}>
        <div className="grid-row grid-header" role="row" style={{ width: totalWidth, height: ROW_HEIGHT }}>
          <div className="grid-cell pinned check" role="columnheader" style={{ width: CHECK_WIDTH, left: 0 }}>
            <input
              type="checkbox"
              aria-label="Select all (up to 100)"
              title="Select all (up to 100)"
              checked={props.allSelected}
              onChange={props.onToggleAll}
            />
          </div>
          <HeaderCell col={NAME_COLUMN} sort={props.sort} onSort={props.onSort} pinnedLeft={CHECK_WIDTH} />
          {virtualCols.map((vc) => (
            <HeaderCell
              key={columns[vc.index]!.id}
              col={columns[vc.index]!}
              sort={props.sort}
              onSort={props.onSort}
              onRemove={props.onRemoveColumn}
              left={PINNED_WIDTH + vc.start}
            />
          ))}
        </div>
        {virtualRows.map((vr) => {
          const row = runs[vr.index]!;
          const run = row.run;
          return (
            <RunRow
              key={run.info.run_id}
              depth={row.depth}
              childCount={row.childCount}
              expanded={row.expanded}
              onToggleExpand={props.onToggleExpand}
              index={vr.index}
              top={(vr.index + 1) * ROW_HEIGHT}
              width={totalWidth}
              run={run}
              columns={columns}
              colStarts={colStarts}
              selected={selected.has(run.info.run_id)}
              active={vr.index === active}
              onToggle={props.onToggle}
            />
          );
        })}
      </div>
    </div>
  );
}

function HeaderCell(props: {
  col: Column;
  sort: SortSpec | null;
  onSort(col: Column): void;
  onRemove?: ((col: Column) => void) | undefined;
  left?: number;
  pinnedLeft?: number;
}) {
  const { col, sort } = props;
  const sorted = sort?.col === col.id;
  const pinned = props.pinnedLeft !== undefined;
  return (
    <div
      className={`grid-cell header-cell${pinned ? ' pinned' : ''}`}
      role="columnheader"
      aria-sort={sorted ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      title={
        col.orderKey ? `${col.kind === 'attr' ? '' : `${col.kind}: `}${col.key} — click to sort` : col.label
      }
      style={{ width: col.width, left: pinned ? props.pinnedLeft : props.left }}
    >
      {col.orderKey ? (
        <button type="button" className="sort-button" onClick={() => props.onSort(col)}>
          {col.kind !== 'attr' && <span className={`kind kind-${col.kind}`}>{col.kind[0]}</span>}
          <span className="label">{col.label}</span>
          {sorted && <span aria-hidden="true">{sort.desc ? ' ▼' : ' ▲'}</span>}
        </button>
      ) : (
        <span className="label">{col.label}</span>
      )}
      {props.onRemove && col.kind !== 'attr' && (
        <button
          type="button"
          className="remove-col"
          aria-label={`Remove column ${col.label}`}
          onClick={() => props.onRemove?.(col)}
        >
          ×
        </button>
      )}
    </div>
  );
}

/** One row; memoised so scrolling re-renders only rows that enter the view. */
const RunRow = memo(function RunRow(props: {
  index: number;
  top: number;
  width: number;
  run: Run;
  columns: Column[];
  colStarts: (readonly [number, number])[];
  selected: boolean;
  active: boolean;
  depth: number;
  childCount: number;
  expanded: boolean;
  onToggle(runId: string): void;
  onToggleExpand(runId: string): void;
}) {
  const { run, columns } = props;
  const id = run.info.run_id;
  const name = run.info.run_name || id;
  return (
    <div
      id={`run-row-${props.index}`}
      className={`grid-row${props.selected ? ' selected' : ''}${props.active ? ' active' : ''}${run.info.lifecycle_stage === 'deleted' ? ' deleted' : ''}`}
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.selected}
      style={{ transform: `translateY(${props.top}px)`, width: props.width, height: ROW_HEIGHT }}
    >
      <div className="grid-cell pinned check" role="gridcell" style={{ width: CHECK_WIDTH, left: 0 }}>
        <input
          type="checkbox"
          aria-label={`Select ${name}`}
          checked={props.selected}
          onChange={() => props.onToggle(id)}
          tabIndex={-1}
        />
      </div>
      <div
        className="grid-cell pinned name"
        role="gridcell"
        style={{ width: NAME_COLUMN.width, left: CHECK_WIDTH, paddingLeft: 8 + props.depth * 16 }}
      >
        {props.childCount > 0 && (
          <button
            type="button"
            className="expander"
            tabIndex={-1}
            aria-expanded={props.expanded}
            aria-label={`${props.expanded ? 'Collapse' : 'Expand'} ${props.childCount} nested runs of ${name}`}
            onClick={() => props.onToggleExpand(id)}
          >
            {props.expanded ? '▾' : '▸'} {props.childCount}
          </button>
        )}
        <Link to={runRoute(id)} tabIndex={-1} title={name}>
          {name}
        </Link>
      </div>
      {props.colStarts.map(([i, start]) => {
        const col = columns[i]!;
        const v = cellValue(run, col);
        const text = display(col, v);
        return (
          <div
            key={col.id}
            className={`grid-cell${col.numeric ? ' num' : ''}${col.key === 'status' ? ` status status-${String(v).toLowerCase()}` : ''}`}
            role="gridcell"
            title={typeof v === 'number' && col.kind === 'metric' ? String(v) : text}
            style={{ width: col.width, left: PINNED_WIDTH + start }}
          >
            {text}
          </div>
        );
      })}
    </div>
  );
});
