/**
 * A two-column table with a filter box, for params, metrics and tags of a run. A run may have 10,000
 * metrics, so the rows are virtualised: only those in the scroll box are in the DOM.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useRef, useState } from 'react';
import { Empty } from '../common/states.tsx';

export interface KeyValueRow {
  key: string;
  value: ReactNode;
  title?: string;
  /** Shown after the value (e.g. edit and remove buttons). */
  actions?: ReactNode;
}

/** Row height before measuring; long values wrap and are measured. */
const ROW_ESTIMATE = 27;

export function KeyValueTable(props: {
  title: string;
  rows: KeyValueRow[];
  extraHeader?: ReactNode;
  /** Under the table (e.g. a form to add a row). */
  footer?: ReactNode;
}) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const rows = needle ? props.rows.filter((r) => r.key.toLowerCase().includes(needle)) : props.rows;
  return (
    <section className="kv-table" aria-label={props.title}>
      <header className="panel-title">
        <h3>
          {props.title} ({props.rows.length})
        </h3>
        {props.extraHeader}
        {props.rows.length > 10 && (
          <input
            type="search"
            aria-label={`Filter ${props.title.toLowerCase()}`}
            placeholder="Filter keys"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        )}
      </header>
      {rows.length === 0 ? (
        <Empty>{needle ? 'No key matches.' : `No ${props.title.toLowerCase()}.`}</Empty>
      ) : (
        <VirtualRows rows={rows} />
      )}
      {props.footer}
    </section>
  );
}

function VirtualRows({ rows }: { rows: KeyValueRow[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (i) => rows[i]!.key,
    overscan: 10,
    // Rows on the first paint, before the scroll box is measured.
    initialRect: { width: 400, height: 480 },
  });
  const items = virtual.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtual.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div className="kv-scroll" ref={scrollRef}>
      <table>
        <tbody>
          {/* Spacers stand for the rows above and below the view, so the scrollbar is right. */}
          {top > 0 && <tr className="spacer" style={{ height: top }} />}
          {items.map((item) => {
            const r = rows[item.index]!;
            return (
              <tr key={item.key} data-index={item.index} ref={virtual.measureElement}>
                <th scope="row">{r.key}</th>
                <td title={r.title}>
                  {r.value}
                  {r.actions}
                </td>
              </tr>
            );
          })}
          {bottom > 0 && <tr className="spacer" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
