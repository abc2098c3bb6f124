/** `/runs/<id>`: a run's details, its metric charts and its artifacts, in tabs kept in the URL. */
import type { Run } from '@mlflow-ts/client';
import { lazy, Suspense, useState } from 'react';
import { client, errorText } from '../api.ts';
import { ErrorBox, Loading } from '../common/states.tsx';
import { TabBar } from '../common/tab-bar.tsx';
import { useAsync } from '../common/use-async.ts';
import { Link, navigate } from '../router.tsx';
import { experimentsRoute, type Route, type RunTab } from '../url-state.ts';
import { RunOverview } from './run-overview.tsx';

// Charts (uPlot) and the artifact browser load on first use: they are not needed for the first paint.
const RunCharts = lazy(() => import('./run-charts.tsx'));
const ArtifactBrowser = lazy(() => import('../artifacts/artifact-browser.tsx'));

type RunRoute = Extract<Route, { page: 'run' }>;

const TABS: { tab: RunTab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'charts', label: 'Metric charts' },
  { tab: 'artifacts', label: 'Artifacts' },
];

export function RunPage({ route }: { route: RunRoute }) {
  const run = useAsync(() => client.getRun(route.runId), [route.runId]);
  if (run.loading && !run.data) return <Loading what="the run" />;
  if (run.error || !run.data) return <ErrorBox error={run.error} onRetry={run.reload} />;
  return <RunDetails run={run.data} route={route} onChanged={run.reload} />;
}

function RunDetails({ run, route, onChanged }: { run: Run; route: RunRoute; onChanged(): void }) {
  const { info } = run;
  // Only for the breadcrumb: until it arrives (or if it fails) the experiment's id stands in.
  const experiment = useAsync(() => client.getExperiment(info.experiment_id), [info.experiment_id]);
  return (
    <article className="run-page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={experimentsRoute([info.experiment_id])}>
          {experiment.data?.name ?? `Experiment ${info.experiment_id}`}
        </Link>{' '}
        ›
      </nav>
      <header className="run-header">
        <RunName run={run} onChanged={onChanged} />
        <span className={`badge status-${info.status.toLowerCase()}`}>{info.status}</span>
        {info.lifecycle_stage === 'deleted' && <span className="badge status-failed">deleted</span>}
      </header>
      <TabBar route={route} tabs={TABS} />
      <Suspense fallback={<Loading what="the view" />}>
        {route.tab === 'overview' && <RunOverview run={run} route={route} onChanged={onChanged} />}
        {route.tab === 'charts' && <RunCharts run={run} route={route} />}
        {route.tab === 'artifacts' && (
          <ArtifactBrowser
            runId={info.run_id}
            path={route.path}
            onPath={(path) => navigate({ ...route, path })}
          />
        )}
      </Suspense>
    </article>
  );
}

function RunName({ run, onChanged }: { run: Run; onChanged(): void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(run.info.run_name ?? '');
  const [error, setError] = useState<string | null>(null);
  if (!editing) {
    return (
      <h1>
        {run.info.run_name || run.info.run_id}{' '}
        <button
          type="button"
          className="icon"
          title="Rename run"
          aria-label="Rename run"
          onClick={() => setEditing(true)}
        >
          ✎
        </button>
      </h1>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await client.updateRun(run.info.run_id, { name: name.trim() });
          setEditing(false);
          onChanged();
        } catch (err) {
          setError(errorText(err));
        }
      }}
    >
      <input aria-label="Run name" value={name} onChange={(e) => setName(e.target.value)} />
      <button type="submit">Save</button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {error && <span className="inline-error">{error}</span>}
    </form>
  );
}
