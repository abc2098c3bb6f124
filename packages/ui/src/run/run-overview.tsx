/** The overview tab: who, when, from where; then params, metrics, tags and datasets. */
import type { Run } from '@mlflow-ts/client';
import { type ReactNode, useState } from 'react';
import { client } from '../api.ts';
import { formatDuration, formatNumber, formatTime } from '../common/format.ts';
import { Markdown } from '../common/markdown-view.tsx';
import { RemoveTagButton, type TagActions, TagForm } from '../common/tag-editor.tsx';
import { Link } from '../router.tsx';
import { type Route, runRoute } from '../url-state.ts';
import { KeyValueTable } from './key-value-table.tsx';

type RunRoute = Extract<Route, { page: 'run' }>;

const tagOf = (run: Run, key: string) => run.data.tags?.find((t) => t.key === key)?.value;

export function RunOverview({ run, route, onChanged }: { run: Run; route: RunRoute; onChanged(): void }) {
  const { info, data } = run;
  const tagActions: TagActions = {
    owner: 'run',
    set: (key, value) => client.setTag(info.run_id, key, value),
    remove: (key) => client.deleteTag(info.run_id, key),
    changed: onChanged,
  };
  const [systemTags, setSystemTags] = useState(false);
  const parent = tagOf(run, 'mlflow.parentRunId');
  const commit = tagOf(run, 'mlflow.source.git.commit');
  const facts: [string, ReactNode][] = [
    ['Run ID', <code key="id">{info.run_id}</code>],
    ['Status', info.status],
    ['Started', formatTime(info.start_time)],
    ['Ended', formatTime(info.end_time)],
    [
      'Duration',
      info.end_time && info.start_time
        ? formatDuration(info.end_time - info.start_time)
        : info.end_time
          ? '—'
          : 'running',
    ],
    ['User', info.user_id || tagOf(run, 'mlflow.user') || '—'],
    ['Source', tagOf(run, 'mlflow.source.name') ?? '—'],
    ['Git commit', commit ? <code key="c">{commit}</code> : '—'],
    ['Artifact URI', <code key="a">{info.artifact_uri ?? '—'}</code>],
  ];
  if (parent)
    facts.push([
      'Parent run',
      <Link key="p" to={runRoute(parent)}>
        {parent}
      </Link>,
    ]);
  const note = tagOf(run, 'mlflow.note.content');
  const tags = (data.tags ?? []).filter((t) => systemTags || !t.key.startsWith('mlflow.'));
  const datasets = run.inputs?.dataset_inputs ?? [];

  return (
    <div className="run-overview">
      <dl className="facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {note && (
        <section className="description" aria-label="Description">
          <Markdown source={note} />
        </section>
      )}
      <div className="kv-columns">
        <KeyValueTable
          title="Parameters"
          rows={(data.params ?? []).map((p) => ({ key: p.key, value: p.value }))}
        />
        <KeyValueTable
          title="Metrics"
          rows={(data.metrics ?? []).map((m) => ({
            key: m.key,
            title: `${m.value} at step ${m.step}`,
            value: (
              <Link to={{ ...route, tab: 'charts', metrics: [m.key] }} title="Show the chart">
                {formatNumber(m.value)}
              </Link>
            ),
          }))}
        />
        <KeyValueTable
          title="Tags"
          rows={tags.map((t) => ({
            key: t.key,
            value: t.value,
            actions: <RemoveTagButton tagKey={t.key} actions={tagActions} />,
          }))}
          footer={<TagForm actions={tagActions} />}
          extraHeader={
            <label className="check-label small">
              <input type="checkbox" checked={systemTags} onChange={(e) => setSystemTags(e.target.checked)} />{' '}
              system tags
            </label>
          }
        />
      </div>
      {datasets.length > 0 && (
        <section aria-label="Datasets">
          <h3>Datasets ({datasets.length})</h3>
          <table className="plain">
            <thead>
              <tr>
                <th>Name</th>
                <th>Digest</th>
                <th>Context</th>
                <th>Source type</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((d) => (
                <tr key={`${d.dataset.name}/${d.dataset.digest}`}>
                  <td>{d.dataset.name}</td>
                  <td>
                    <code>{d.dataset.digest}</code>
                  </td>
                  <td>{d.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? ''}</td>
                  <td>{d.dataset.source_type}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
