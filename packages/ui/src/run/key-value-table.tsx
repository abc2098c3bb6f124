/** A two-column table with a filter box, for params, metrics and tags of a run. */
import { type ReactNode, useState } from 'react';
import { Empty } from '../common/states.tsx';

export interface KeyValueRow {
  key: string;
  value: ReactNode;
  title?: string;
}

/** Rows beyond this are cut (a run may have 10,000 metrics); the filter box finds the rest. */
const MAX_ROWS = 500;

export function KeyValueTable(props: { title: string; rows: KeyValueRow[]; extraHeader?: ReactNode }) {
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
        <table>
          <tbody>
            {rows.slice(0, MAX_ROWS).map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.key}</th>
                <td title={r.title}>{r.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > MAX_ROWS && <p className="hint">{rows.length - MAX_ROWS} more rows: use the filter.</p>}
    </section>
  );
}
