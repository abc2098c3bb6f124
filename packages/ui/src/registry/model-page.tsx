/** `/models/<name>`: description, tags, aliases and the versions table of one registered model. */
import { useState } from 'react';
import { errorText, registry } from '../api.ts';
import { formatTime } from '../common/format.ts';
import { Markdown } from '../common/markdown-view.tsx';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { TagBadges } from '../common/tag-editor.tsx';
import { useAsync } from '../common/use-async.ts';
import { Link } from '../router.tsx';
import { runRoute } from '../url-state.ts';

export default function ModelPage({ name }: { name: string }) {
  const model = useAsync(() => registry.getModel(name), [name]);
  const versions = useAsync(() => registry.searchVersions(name), [name]);
  const [error, setError] = useState<string | null>(null);
  if (model.loading && !model.data) return <Loading what="the model" />;
  if (model.error || !model.data) return <ErrorBox error={model.error} onRetry={model.reload} />;
  const m = model.data;
  // Search results do not carry aliases (spec §1.4), so they come from the model's alias list.
  const aliasesOf = (v: string) => (m.aliases ?? []).filter((a) => a.version === v).map((a) => a.alias);
  const deleteAlias = async (alias: string) => {
    if (!window.confirm(`Remove alias @${alias}?`)) return;
    try {
      await registry.deleteAlias(name, alias);
      model.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const sorted = [...(versions.data ?? [])].sort((a, b) => Number(b.version) - Number(a.version));
  return (
    <article className="model-page">
      <nav className="breadcrumbs">
        <Link to={{ page: 'models', filter: '' }}>Registered models</Link> ›
      </nav>
      <h1>{m.name}</h1>
      <DescriptionEditor
        value={m.description ?? ''}
        onSave={async (d) => {
          await registry.updateModelDescription(name, d);
          model.reload();
        }}
      />
      {error && (
        <div className="state state-error" role="alert">
          {error}
        </div>
      )}
      <section aria-label="Aliases">
        <h3>Aliases</h3>
        {(m.aliases ?? []).length === 0 ? (
          <p className="hint">No aliases. Set one on a version page.</p>
        ) : (
          (m.aliases ?? []).map((a) => (
            <span key={a.alias} className="badge">
              @{a.alias} → <Link to={{ page: 'version', name, version: a.version }}>v{a.version}</Link>{' '}
              <button
                type="button"
                className="icon"
                aria-label={`Remove alias ${a.alias}`}
                onClick={() => deleteAlias(a.alias)}
              >
                ×
              </button>
            </span>
          ))
        )}
      </section>
      <TagBadges
        tags={m.tags ?? []}
        actions={{
          owner: 'model',
          set: (key, value) => registry.setModelTag(name, key, value),
          remove: (key) => registry.deleteModelTag(name, key),
          changed: model.reload,
        }}
      />
      <section aria-label="Versions">
        <h3>Versions</h3>
        {versions.loading && !versions.data ? (
          <Loading what="versions" />
        ) : versions.error ? (
          <ErrorBox error={versions.error} onRetry={versions.reload} />
        ) : sorted.length === 0 ? (
          <Empty>No versions.</Empty>
        ) : (
          <table className="plain">
            <thead>
              <tr>
                <th>Version</th>
                <th>Stage</th>
                <th>Aliases</th>
                <th>Created</th>
                <th>Source run</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={v.version}>
                  <td>
                    <Link to={{ page: 'version', name, version: v.version }}>Version {v.version}</Link>
                  </td>
                  <td>{v.current_stage ?? 'None'}</td>
                  <td>
                    {aliasesOf(v.version)
                      .map((a) => `@${a}`)
                      .join(' ')}
                  </td>
                  <td>{formatTime(v.creation_timestamp)}</td>
                  <td>{v.run_id ? <Link to={runRoute(v.run_id)}>{v.run_id.slice(0, 8)}</Link> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </article>
  );
}

/** The description rendered as Markdown, with an edit button; saving replaces it (PATCH …/update, spec §1.4). */
export function DescriptionEditor({ value, onSave }: { value: string; onSave(text: string): Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | null>(null);
  if (!editing) {
    return (
      <section className="description" aria-label="Description">
        {value ? <Markdown source={value} /> : <p className="hint">No description.</p>}
        <button
          type="button"
          onClick={() => {
            setText(value);
            setEditing(true);
          }}
        >
          Edit description
        </button>
      </section>
    );
  }
  return (
    <form
      className="description"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await onSave(text);
          setEditing(false);
          setError(null);
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <textarea
        aria-label="Description"
        rows={6}
        placeholder="Markdown: **bold**, *italic*, `code`, [links](https://…), - lists, # headings"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Save</button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {error && <span className="inline-error">{error}</span>}
    </form>
  );
}
