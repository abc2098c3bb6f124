// The seed workflow of docs/getting-started.md through the TypeScript SDK against the real server:
// set experiment, log params and metrics (batched in the background), search the best run.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as mlflow from '@mlflow-ts/client/node';
import { startTestServer } from '../support/app.ts';
import { describeEachDialect } from '../support/dialects.ts';

describeEachDialect('SDK workflow against the server', (dialect) => {
  let server: { url: string; close(): Promise<void> };
  before(async () => {
    server = await startTestServer(dialect);
    mlflow.setTrackingUri(server.url);
  });
  after(() => server.close());

  it('logs runs with the fluent API and finds the best one', async () => {
    const experiment = await mlflow.setExperiment('sdk-demo');
    assert.equal(experiment.name, 'sdk-demo');
    for (const alpha of [0.1, 0.5, 1.0]) {
      await using run = await mlflow.startRun({ runName: `alpha-${alpha}` });
      await mlflow.logParams({ alpha });
      for (let step = 0; step < 200; step++) mlflow.logMetric('rmse', alpha + 1 / (step + 1), { step });
      await using child = await mlflow.startRun({ runName: `fold-${alpha}`, nested: true });
      await child.setTag('fold', '0');
      assert.ok(run.runId);
    }
    const best = await mlflow.searchRuns({
      experimentIds: [experiment.experiment_id],
      filterString: "params.alpha != '1.0' and attributes.status = 'FINISHED'",
      orderBy: ['metrics.rmse ASC'],
    });
    const top = best[0]!;
    assert.equal(top.info.run_name, 'alpha-0.1');
    const tags = Object.fromEntries((top.data.tags ?? []).map((t) => [t.key, t.value]));
    assert.equal(tags['mlflow.source.type'], 'LOCAL');
    assert.ok(tags['mlflow.user']);
    const client = new mlflow.MlflowClient(server.url);
    const history = await client.getMetricHistory(top.info.run_id, 'rmse');
    assert.equal(history.length, 200, 'every batched point arrived');
    const children = await client.searchRuns([experiment.experiment_id], {
      filterString: `tags.mlflow.parentRunId = '${top.info.run_id}'`,
    });
    assert.deepEqual(
      children.items.map((r) => r.info.run_name),
      ['fold-0.1'],
    );
  });

  it('surfaces server errors as typed MlflowApiError', async () => {
    const client = new mlflow.MlflowClient(server.url);
    const id = await client.createExperiment('errors-demo');
    const run = await client.createRun(id);
    await client.logParam(run.info.run_id, 'lr', '0.1');
    await assert.rejects(client.logParam(run.info.run_id, 'lr', '0.2'), (err: unknown) => {
      assert.ok(mlflow.isApiError(err, 'INVALID_PARAMETER_VALUE'));
      return true;
    });
    assert.equal(await client.getExperimentByName('no-such-experiment'), null);
  });
});
