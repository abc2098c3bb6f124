import { type DependencyList, useCallback, useEffect, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  /** True from the render in which the deps change until their answer arrives (data may be the previous one). */
  loading: boolean;
  reload(): void;
}

const sameDeps = (a: DependencyList | undefined, b: DependencyList) =>
  a !== undefined && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/** Runs `load` when deps change; a newer call wins (an older, slower answer never overwrites it). */
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{
    data?: T;
    error?: unknown;
    loading: boolean;
    deps?: DependencyList;
  }>({ loading: true });
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on.
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined, deps }));
    load().then(
      (data) => current && setState({ data, loading: false, deps }),
      (error: unknown) => current && setState({ error, loading: false, deps }),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  // Before the effect has started the new load, the state still describes the old deps: say loading.
  const loading = state.loading || !sameDeps(state.deps, deps);
  return { data: state.data, error: state.error, loading, reload };
}
