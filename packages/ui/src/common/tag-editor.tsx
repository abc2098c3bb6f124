/**
 * Setting and removing tags (runs, registered models, model versions). Setting a key that exists
 * replaces its value, as the API does; removing asks first. Errors are shown as the server words them.
 */
import { useState } from 'react';
import { errorText } from '../api.ts';

export interface TagActions {
  /** What the tags belong to, for labels: "run", "model", "version". */
  owner: string;
  set(key: string, value: string): Promise<unknown>;
  remove(key: string): Promise<unknown>;
  /** Called after a change succeeded (reload the owner). */
  changed(): void;
}

/** The × button of one tag. */
export function RemoveTagButton({ tagKey, actions }: { tagKey: string; actions: TagActions }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="icon"
        aria-label={`Remove tag ${tagKey}`}
        title="Remove tag"
        onClick={async () => {
          if (!window.confirm(`Remove tag “${tagKey}” from this ${actions.owner}?`)) return;
          try {
            await actions.remove(tagKey);
            actions.changed();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        ×
      </button>
      {error && (
        <span className="inline-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** Key and value inputs and a Set button. */
export function TagForm({ actions }: { actions: TagActions }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="inline-form tag-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!key.trim()) return;
        setError(null);
        try {
          await actions.set(key.trim(), value);
          setKey('');
          setValue('');
          actions.changed();
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <input
        aria-label={`New ${actions.owner} tag key`}
        placeholder="key"
        size={12}
        value={key}
        onChange={(e) => setKey(e.target.value)}
      />
      <input
        aria-label={`New ${actions.owner} tag value`}
        placeholder="value"
        size={16}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">Set tag</button>
      {error && (
        <span className="inline-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** A short tag list as badges with their × buttons, and the form: models and versions have few tags. */
export function TagBadges(props: { tags: { key: string; value: string }[]; actions: TagActions }) {
  return (
    <section aria-label="Tags" className="tags-row">
      <h3>Tags</h3>
      {props.tags.length === 0 && <span className="hint">No tags.</span>}
      {props.tags.map((t) => (
        <span key={t.key} className="badge">
          {t.key}: {t.value} <RemoveTagButton tagKey={t.key} actions={props.actions} />
        </span>
      ))}
      <TagForm actions={props.actions} />
    </section>
  );
}
