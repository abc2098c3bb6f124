/**
 * `/`: the experiment list beside the runs of the open experiments. With none in the URL, the experiment
 * with the newest run is opened (not an empty Default), and the URL is rewritten so the view is a link.
 */
import { useEffect, useState } from 'react';
import { client } from '../api.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { navigate } from '../router.tsx';
import { RunsView } from '../runs/runs-view.tsx';
import type { Route } from '../url-state.ts';
import { ExperimentList } from './experiment-list.tsx';

type ExperimentsRoute = Extract<Route, { page: 'experiments' }>;

/** runs/search takes at most 100 experiment ids per call (spec §1.2 limits are per request). */
const MAX_EXPERIMENTS_PROBED = 100;

async function mostRecentlyActive(): Promise<string | null> {
  const exps = await client.searchExperiments({
    maxResults: MAX_EXPERIMENTS_PROBED,
    orderBy: ['last_update_time DESC'],
  });
  const ids = exps.items.map((e) => e.experiment_id);
  if (ids.length === 0) return null;
  const newest = await client.searchRuns(ids, { maxResults: 1, orderBy: ['attributes.start_time DESC'] });
  return newest.items[0]?.info.experiment_id ?? ids[0]!;
}

export function LandingPage({ route }: { route: ExperimentsRoute }) {
  const [error, setError] = useState<unknown>(undefined);
  const [noExperiments, setNoExperiments] = useState(false);
  const needsDefault = route.exp.length === 0;
  useEffect(() => {
    if (!needsDefault) return;
    let current = true;
    mostRecentlyActive().then(
      (id) => {
        if (!current) return;
        if (id) navigate({ ...route, exp: [id] }, { replace: true });
        else setNoExperiments(true);
      },
      (err: unknown) => current && setError(err),
    );
    return () => {
      current = false;
    };
  }, [needsDefault, route]);

  return (
    <div className="landing">
      <ExperimentList
        open={route.exp}
        onOpen={(exp) => navigate({ ...route, exp, sel: [], cols: [], sort: null })}
      />
      {error !== undefined ? (
        <ErrorBox error={error} />
      ) : noExperiments ? (
        <Empty>No experiments yet: create one, or log runs with the SDK.</Empty>
      ) : needsDefault ? (
        <Loading what="the latest experiment" />
      ) : (
        <RunsView route={route} />
      )}
    </div>
  );
}
