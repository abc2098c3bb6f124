/** `/models`: registered models with a name search (registered-models/search, spec §1.4). */
import { useEffect, useState } from 'react';
import { registry } from '../api.ts';
import { formatTime } from '../common/format.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';
import { Link, navigate } from '../router.tsx';
import { modelNameFilter } from '../runs/filter.ts';
import type { Route } from '../url-state.ts';

export default function ModelsPage({ route }: { route: Extract<Route, { page: 'models' }> }) {
  const [text, setText] = useState(route.filter);
  useEffect(() => setText(route.filter), [route.filter]);
  const models = useAsync(() => registry.searchModels(modelNameFilter(route.filter)), [route.filter]);
  const list = models.data?.items ?? [];
  return (
    <article className="models-page">
      <h1>Registered models</h1>
      <form
        className="filter-box"
        onSubmit={(e) => {
          e.preventDefault();
          navigate({ ...route, filter: text.trim() });
        }}
      >
        <input
          type="search"
          aria-label="Search models"
          placeholder="Model name contains…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      {models.loading && !models.data ? (
        <Loading what="models" />
      ) : models.error ? (
        <ErrorBox error={models.error} onRetry={models.reload} />
      ) : list.length === 0 ? (
        <Empty>No registered models{route.filter ? ' match' : ' yet'}.</Empty>
      ) : (
        <table className="plain">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Aliases</th>
              <th>Last modified</th>
            </tr>
          </thead>
          <tbody>
            {list.map((m) => {
              const latest = (m.latest_versions ?? []).reduce<string | null>(
                (best, v) => (best === null || Number(v.version) > Number(best) ? v.version : best),
                null,
              );
              return (
                <tr key={m.name}>
                  <td>
                    <Link to={{ page: 'model', name: m.name }}>{m.name}</Link>
                  </td>
                  <td>
                    {latest ? (
                      <Link to={{ page: 'version', name: m.name, version: latest }}>Version {latest}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {(m.aliases ?? []).map((a) => (
                      <span key={a.alias} className="badge">
                        @{a.alias} → v{a.version}
                      </span>
                    ))}
                  </td>
                  <td>{formatTime(m.last_updated_timestamp)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </article>
  );
}
