/**
 * Above the runs of one experiment: its name, description (the `mlflow.note.content` tag, as MLflow keeps
 * it) and tags, all editable.
 */
import { useState } from 'react';
import { client, errorText } from '../api.ts';
import { ErrorBox } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';

const NOTE_TAG = 'mlflow.note.content';

export function ExperimentHeader({ experimentId }: { experimentId: string }) {
  const exp = useAsync(() => client.getExperiment(experimentId), [experimentId]);
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState('');
  const [tagKey, setTagKey] = useState('');
  const [tagValue, setTagValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (exp.error) return <ErrorBox error={exp.error} onRetry={exp.reload} />;
  if (!exp.data) return null;
  const e = exp.data;
  const tags = (e.tags ?? []).filter((t) => !t.key.startsWith('mlflow.'));
  const description = e.tags?.find((t) => t.key === NOTE_TAG)?.value ?? '';
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      exp.reload();
      return true;
    } catch (err) {
      setError(errorText(err));
      return false;
    }
  };
  return (
    <header className="experiment-header">
      <div className="panel-title">
        <h1>{e.name}</h1>
        <span className="hint">ID {e.experiment_id}</span>
        {e.lifecycle_stage === 'deleted' && <span className="badge status-failed">deleted</span>}
      </div>
      {editing ? (
        <form
          className="inline-form"
          onSubmit={async (ev) => {
            ev.preventDefault();
            if (await act(() => client.setExperimentTag(experimentId, NOTE_TAG, note))) setEditing(false);
          }}
        >
          <textarea
            aria-label="Experiment description"
            rows={2}
            value={note}
            onChange={(ev) => setNote(ev.target.value)}
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <p className="description">
          {description || <span className="hint">No description.</span>}{' '}
          <button
            type="button"
            className="icon"
            title="Edit description"
            aria-label="Edit description"
            onClick={() => {
              setNote(description);
              setEditing(true);
            }}
          >
            ✎
          </button>
        </p>
      )}
      <section className="tags-row" aria-label="Experiment tags">
        {tags.map((t) => (
          <span key={t.key} className="badge">
            {t.key}: {t.value}{' '}
            <button
              type="button"
              className="icon"
              aria-label={`Remove tag ${t.key}`}
              onClick={() =>
                window.confirm(`Remove tag “${t.key}”?`) &&
                act(() => client.deleteExperimentTag(experimentId, t.key))
              }
            >
              ×
            </button>
          </span>
        ))}
        <form
          className="inline-form"
          onSubmit={async (ev) => {
            ev.preventDefault();
            if (!tagKey.trim()) return;
            if (await act(() => client.setExperimentTag(experimentId, tagKey.trim(), tagValue))) {
              setTagKey('');
              setTagValue('');
            }
          }}
        >
          <input
            aria-label="Tag key"
            placeholder="tag"
            size={10}
            value={tagKey}
            onChange={(ev) => setTagKey(ev.target.value)}
          />
          <input
            aria-label="Tag value"
            placeholder="value"
            size={10}
            value={tagValue}
            onChange={(ev) => setTagValue(ev.target.value)}
          />
          <button type="submit">Add tag</button>
        </form>
      </section>
      {error && (
        <div className="state state-error" role="alert">
          {error}
        </div>
      )}
    </header>
  );
}
