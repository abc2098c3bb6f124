/** `/models/<name>/versions/<v>`: one version — source run, stage, aliases, tags — and its actions. */
import { useState } from 'react';
import { errorText, registry, STAGES } from '../api.ts';
import { SignatureSection } from '../artifacts/signature-table.tsx';
import { formatTime } from '../common/format.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { TagBadges } from '../common/tag-editor.tsx';
import { useAsync } from '../common/use-async.ts';
import { Link } from '../router.tsx';
import { runRoute } from '../url-state.ts';
import { DescriptionEditor } from './model-page.tsx';

export default function VersionPage({ name, version }: { name: string; version: string }) {
  const mv = useAsync(() => registry.getVersion(name, version), [name, version]);
  const [error, setError] = useState<string | null>(null);
  const [alias, setAlias] = useState('');
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      mv.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  if (mv.loading && !mv.data) return <Loading what="the version" />;
  if (mv.error || !mv.data) return <ErrorBox error={mv.error} onRetry={mv.reload} />;
  const v = mv.data;
  const stage = v.current_stage ?? 'None';
  return (
    <article className="version-page">
      <nav className="breadcrumbs">
        <Link to={{ page: 'models', filter: '' }}>Registered models</Link> ›{' '}
        <Link to={{ page: 'model', name }}>{name}</Link> ›
      </nav>
      <h1>
        {name} version {v.version}
      </h1>
      <dl className="facts">
        <div>
          <dt>Stage</dt>
          <dd>{stage}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{v.status ?? '—'}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatTime(v.creation_timestamp)}</dd>
        </div>
        <div>
          <dt>Source run</dt>
          <dd>{v.run_id ? <Link to={runRoute(v.run_id)}>{v.run_id}</Link> : '—'}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>
            <code>{v.source ?? '—'}</code>
          </dd>
        </div>
      </dl>
      <DescriptionEditor
        value={v.description ?? ''}
        onSave={(d) => registry.updateVersionDescription(name, version, d).then(mv.reload)}
      />
      {error && (
        <div className="state state-error" role="alert">
          {error}
        </div>
      )}
      <section aria-label="Aliases">
        <h3>Aliases</h3>
        {(v.aliases ?? []).map((a) => (
          <span key={a} className="badge">
            @{a}{' '}
            <button
              type="button"
              className="icon"
              aria-label={`Remove alias ${a}`}
              onClick={() =>
                window.confirm(`Remove alias @${a}?`) && act(() => registry.deleteAlias(name, a))
              }
            >
              ×
            </button>
          </span>
        ))}
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const a = alias.trim();
            // Setting an alias that another version holds moves it (spec §1.4): say so before doing it.
            if (
              a &&
              window.confirm(`Point @${a} at version ${version}? If another version has it, it moves here.`)
            ) {
              void act(() => registry.setAlias(name, a, version)).then(() => setAlias(''));
            }
          }}
        >
          <input
            aria-label="Alias"
            placeholder="alias, e.g. champion"
            value={alias}
            onChange={(e) => setAlias(e.target.value)}
          />
          <button type="submit">Set alias</button>
        </form>
      </section>
      <section aria-label="Stage">
        <h3>Stage</h3>
        <StageForm
          current={stage}
          onTransition={(to, archive) => act(() => registry.transitionStage(name, version, to, archive))}
        />
      </section>
      <TagBadges
        tags={v.tags ?? []}
        actions={{
          owner: 'version',
          set: (key, value) => registry.setVersionTag(name, version, key, value),
          remove: (key) => registry.deleteVersionTag(name, version, key),
          changed: mv.reload,
        }}
      />
      <VersionSignature name={name} version={version} />
    </article>
  );
}

function StageForm({
  current,
  onTransition,
}: {
  current: string;
  onTransition(to: string, archive: boolean): void;
}) {
  const [to, setTo] = useState(current === 'Production' ? 'Archived' : 'Production');
  const [archive, setArchive] = useState(false);
  // archive_existing_versions only applies to Staging and Production (spec §3.4).
  const canArchive = to === 'Staging' || to === 'Production';
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (
          window.confirm(
            `Move this version from ${current} to ${to}?${archive && canArchive ? ` Other ${to} versions will be archived.` : ''}`,
          )
        ) {
          onTransition(to, archive && canArchive);
        }
      }}
    >
      <select aria-label="Target stage" value={to} onChange={(e) => setTo(e.target.value)}>
        {STAGES.filter((s) => s !== current).map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      {canArchive && (
        <label className="check-label">
          <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.target.checked)} /> archive
          other {to} versions
        </label>
      )}
      <button type="submit">Transition</button>
    </form>
  );
}

/** The signature from the version's MLmodel file; a version without one (or without the file) says so. */
function VersionSignature({ name, version }: { name: string; version: string }) {
  const mlmodel = useAsync(async () => {
    const res = await fetch(registry.versionArtifactUrl(name, version, 'MLmodel'));
    const body = await res.text();
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 500)}`);
    return body;
  }, [name, version]);
  if (mlmodel.loading && mlmodel.data === undefined) return <Loading what="the signature" />;
  if (mlmodel.error) return <ErrorBox error={mlmodel.error} onRetry={mlmodel.reload} />;
  if (mlmodel.data == null) {
    return (
      <section aria-label="Signature">
        <h3>Signature</h3>
        <Empty>No MLmodel file at this version’s source.</Empty>
      </section>
    );
  }
  return <SignatureSection mlmodel={mlmodel.data} />;
}
