/**
 * The experiment list: search by name (server-side ILIKE), create, rename, delete and restore. A click opens
 * one experiment; the checkboxes open several at once (their runs in one table).
 */
import type { Experiment } from '@mlflow-ts/client';
import { useEffect, useState } from 'react';
import { client, errorText } from '../api.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';
import { experimentNameFilter } from '../runs/filter.ts';

export interface ExperimentListProps {
  open: string[];
  onOpen(ids: string[]): void;
}

export function ExperimentList({ open, onOpen }: ExperimentListProps) {
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [showDeleted, setShowDeleted] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  // Search as the user types, once they pause.
  useEffect(() => {
    const t = setTimeout(() => setQuery(search), 250);
    return () => clearTimeout(t);
  }, [search]);
  const list = useAsync(
    () =>
      client.searchExperiments({
        filterString: experimentNameFilter(query) || undefined,
        viewType: showDeleted ? 'DELETED_ONLY' : 'ACTIVE_ONLY',
        orderBy: ['last_update_time DESC'],
        maxResults: 1000,
      }),
    [query, showDeleted],
  );

  const act = async (action: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await action();
      list.reload();
    } catch (err) {
      setActionError(errorText(err));
    }
  };
  const openSet = new Set(open);
  const experiments = list.data?.items ?? [];

  return (
    <nav className="experiment-list" aria-label="Experiments">
      <div className="panel-title">
        <h2>Experiments</h2>
        <CreateExperiment
          onCreate={(name) => act(async () => onOpen([await client.createExperiment(name)]))}
        />
      </div>
      <input
        type="search"
        aria-label="Search experiments"
        placeholder="Search experiments"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <label className="check-label small">
        <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} />{' '}
        Deleted experiments
      </label>
      {actionError && (
        <div className="state state-error" role="alert">
          {actionError}
        </div>
      )}
      {list.loading && !list.data ? (
        <Loading what="experiments" />
      ) : list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : experiments.length === 0 ? (
        <Empty>{query ? 'No experiment matches.' : 'No experiments.'}</Empty>
      ) : (
        <ul>
          {experiments.map((e) => (
            <ExperimentItem
              key={e.experiment_id}
              experiment={e}
              isOpen={openSet.has(e.experiment_id)}
              onOpenOnly={() => onOpen([e.experiment_id])}
              onToggle={() =>
                onOpen(
                  openSet.has(e.experiment_id)
                    ? open.filter((id) => id !== e.experiment_id)
                    : [...open, e.experiment_id],
                )
              }
              onRename={(name) => act(() => client.renameExperiment(e.experiment_id, name))}
              onDelete={() =>
                window.confirm(`Delete experiment “${e.name}” and its runs? It can be restored later.`) &&
                act(() => client.deleteExperiment(e.experiment_id))
              }
              onRestore={() => act(() => client.restoreExperiment(e.experiment_id))}
            />
          ))}
        </ul>
      )}
    </nav>
  );
}

function ExperimentItem(props: {
  experiment: Experiment;
  isOpen: boolean;
  onOpenOnly(): void;
  onToggle(): void;
  onRename(name: string): void;
  onDelete(): void;
  onRestore(): void;
}) {
  const { experiment: e } = props;
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(e.name);
  const deleted = e.lifecycle_stage === 'deleted';
  if (renaming) {
    return (
      <li className="experiment-item">
        <form
          className="inline-form"
          onSubmit={(ev) => {
            ev.preventDefault();
            setRenaming(false);
            if (name.trim() && name !== e.name) props.onRename(name.trim());
          }}
        >
          <input
            aria-label="New experiment name"
            value={name}
            onChange={(ev) => setName(ev.target.value)}
            onKeyDown={(ev) => ev.key === 'Escape' && setRenaming(false)}
            // biome-ignore lint/a11y/noAutofocus: rename starts by typing.
            autoFocus
          />
          <button type="submit">Save</button>
        </form>
      </li>
    );
  }
  return (
    <li className={`experiment-item${props.isOpen ? ' open' : ''}`}>
      <input
        type="checkbox"
        aria-label={`Show runs of ${e.name}`}
        checked={props.isOpen}
        onChange={props.onToggle}
      />
      <button
        type="button"
        className="experiment-name"
        onClick={props.onOpenOnly}
        title={`ID ${e.experiment_id}`}
      >
        {e.name}
      </button>
      <span className="item-actions">
        {deleted ? (
          <button
            type="button"
            className="icon"
            onClick={props.onRestore}
            title="Restore"
            aria-label={`Restore ${e.name}`}
          >
            ↺
          </button>
        ) : (
          <>
            <button
              type="button"
              className="icon"
              onClick={() => setRenaming(true)}
              title="Rename"
              aria-label={`Rename ${e.name}`}
            >
              ✎
            </button>
            <button
              type="button"
              className="icon"
              onClick={props.onDelete}
              title="Delete"
              aria-label={`Delete ${e.name}`}
            >
              ✕
            </button>
          </>
        )}
      </span>
    </li>
  );
}

function CreateExperiment({ onCreate }: { onCreate(name: string): void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        + New
      </button>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) return;
        onCreate(name.trim());
        setName('');
        setOpen(false);
      }}
    >
      <input
        aria-label="Experiment name"
        placeholder="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        // biome-ignore lint/a11y/noAutofocus: the form opens to be typed into.
        autoFocus
      />
      <button type="submit">Create</button>
    </form>
  );
}
