import type { Run } from '@mlflow-ts/client';
import { useMemo, useState } from 'react';
import { Empty } from '../common/states.tsx';
import { diffRows } from './diff.ts';

export function DiffTable(props: {
  runs: Run[];
  onlyDifferences: boolean;
  onOnlyDifferences(v: boolean): void;
}) {
  const [systemTags, setSystemTags] = useState(false);
  const rows = useMemo(
    () => diffRows(props.runs, { onlyDifferences: props.onlyDifferences, systemTags }),
    [props.runs, props.onlyDifferences, systemTags],
  );
  return (
    <section className="diff-table" aria-label="Diff table">
      <div className="toolbar">
        <label className="check-label">
          <input
            type="checkbox"
            checked={props.onlyDifferences}
            onChange={(e) => props.onOnlyDifferences(e.target.checked)}
          />{' '}
          Only differences
        </label>
        <label className="check-label">
          <input type="checkbox" checked={systemTags} onChange={(e) => setSystemTags(e.target.checked)} />{' '}
          System tags
        </label>
      </div>
      {rows.length === 0 ? (
        <Empty>{props.onlyDifferences ? 'These runs do not differ.' : 'Nothing to compare.'}</Empty>
      ) : (
        <div className="table-scroll">
          <table className="plain">
            <thead>
              <tr>
                <th>Key</th>
                {props.runs.map((r) => (
                  <th key={r.info.run_id}>{r.info.run_name || r.info.run_id}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={`${row.section}/${row.key}`} className={row.differs ? 'differs' : undefined}>
                  <th scope="row">
                    <span className="section">{row.section}</span> {row.key}
                  </th>
                  {row.values.map((v, i) => (
                    <td key={props.runs[i]!.info.run_id}>{v ?? <span className="missing">—</span>}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
