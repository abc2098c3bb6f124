/**
 * Chooses param, metric and tag columns. When the picker opens it asks the server for every key of the
 * open experiments' runs (our run-keys endpoint), merged with the keys of the runs loaded so far (which
 * may be newer than the answer); a key typed by hand can be added even if neither knows it yet.
 */
import type { Run } from '@mlflow-ts/client';
import { useMemo, useState } from 'react';
import { runKeys } from '../api.ts';
import { ErrorBox } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';
import { type ColumnKind, columnId, discoverKeys, mergeKeys } from './columns.ts';

const KINDS: { kind: Exclude<ColumnKind, 'attr'>; title: string }[] = [
  { kind: 'metric', title: 'Metrics' },
  { kind: 'param', title: 'Parameters' },
  { kind: 'tag', title: 'Tags' },
];
/** A long key list is cut; the search box narrows it. */
const MAX_LISTED = 300;

export function ColumnPicker(props: {
  experimentIds: string[];
  runs: Run[];
  chosen: string[];
  onChange(cols: string[]): void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <div className="popover-anchor">
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        Columns ({props.chosen.length})
      </button>
      {open && <PickerPanel {...props} onClose={() => setOpen(false)} />}
    </div>
  );
}

function PickerPanel(props: {
  experimentIds: string[];
  runs: Run[];
  chosen: string[];
  onChange(cols: string[]): void;
  onClose(): void;
}) {
  const [search, setSearch] = useState('');
  const server = useAsync(() => runKeys(props.experimentIds), [props.experimentIds.join(',')]);
  const keys = useMemo(
    () => (server.data ? mergeKeys(server.data, discoverKeys(props.runs)) : discoverKeys(props.runs)),
    [server.data, props.runs],
  );
  const chosen = new Set(props.chosen);
  const toggle = (id: string) =>
    props.onChange(chosen.has(id) ? props.chosen.filter((c) => c !== id) : [...props.chosen, id]);
  const needle = search.trim().toLowerCase();
  return (
    <div className="popover column-picker" role="dialog" aria-label="Choose columns">
      <div className="row">
        <input
          type="search"
          placeholder="Find a key…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
          // biome-ignore lint/a11y/noAutofocus: the picker opens to be searched.
          autoFocus
        />
        <button type="button" onClick={props.onClose}>
          Done
        </button>
      </div>
      {server.loading && <p className="hint">Loading the experiment’s keys…</p>}
      {server.error !== undefined && <ErrorBox error={server.error} onRetry={server.reload} />}
      {server.data?.truncated && (
        <p className="hint">The experiment has more keys than listed: search or type a key to add it.</p>
      )}
      {KINDS.map(({ kind, title }) => {
        const matching = keys[kind].filter((k) => k.toLowerCase().includes(needle));
        return (
          <fieldset key={kind}>
            <legend>
              {title} ({keys[kind].length})
            </legend>
            {matching.slice(0, MAX_LISTED).map((k) => {
              const id = columnId(kind, k);
              return (
                <label key={id} className="check-label">
                  <input type="checkbox" checked={chosen.has(id)} onChange={() => toggle(id)} /> {k}
                </label>
              );
            })}
            {matching.length > MAX_LISTED && (
              <p className="hint">{matching.length - MAX_LISTED} more: refine the search</p>
            )}
            {needle && !keys[kind].includes(search.trim()) && (
              <button
                type="button"
                className="link-button"
                onClick={() => toggle(columnId(kind, search.trim()))}
              >
                Add {kind} “{search.trim()}”
              </button>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
