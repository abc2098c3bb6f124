/**
 * Runs of the open experiments, one page at a time: the first page at once, the next when the table
 * scrolls near the end of what is loaded (page tokens, spec §3.2). A new query drops pages of the old one.
 */
import type { Run, ViewType } from '@mlflow-ts/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { client } from '../api.ts';

export const PAGE_SIZE = 500;

export interface RunQuery {
  experimentIds: string[];
  filter: string;
  orderBy: string[];
  viewType: ViewType;
}

export interface RunSearch {
  runs: Run[];
  loading: boolean;
  error: unknown;
  /** True once the last page has arrived. */
  complete: boolean;
  loadMore(): void;
  reload(): void;
}

export function useRunSearch(query: RunQuery): RunSearch {
  const [runs, setRuns] = useState<Run[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [complete, setComplete] = useState(false);
  const [tick, setTick] = useState(0);
  const token = useRef<string | null>(null);
  const generation = useRef(0);
  const inFlight = useRef(false);
  const key = JSON.stringify(query);

  const fetchPage = useCallback(
    async (gen: number, first: boolean) => {
      const q = JSON.parse(key) as RunQuery;
      if (q.experimentIds.length === 0) {
        setRuns([]);
        setComplete(true);
        return;
      }
      inFlight.current = true;
      setLoading(true);
      try {
        const page = await client.searchRuns(q.experimentIds, {
          filterString: q.filter,
          orderBy: q.orderBy,
          runViewType: q.viewType,
          maxResults: PAGE_SIZE,
          pageToken: first ? undefined : (token.current ?? undefined),
        });
        if (gen !== generation.current) return;
        token.current = page.nextPageToken;
        setRuns((prev) => (first ? page.items : prev.concat(page.items)));
        setComplete(page.nextPageToken === null);
        setError(undefined);
      } catch (err) {
        if (gen !== generation.current) return;
        if (first) setRuns([]);
        setError(err);
        setComplete(true);
      } finally {
        if (gen === generation.current) {
          inFlight.current = false;
          setLoading(false);
        }
      }
    },
    [key],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` forces a reload of the same query.
  useEffect(() => {
    const gen = ++generation.current;
    token.current = null;
    setComplete(false);
    void fetchPage(gen, true);
  }, [fetchPage, tick]);

  const loadMore = useCallback(() => {
    if (inFlight.current || token.current === null) return;
    void fetchPage(generation.current, false);
  }, [fetchPage]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { runs, loading, error, complete, loadMore, reload };
}
