// The web UI in a real browser against the real server process: seed through the API, then walk the main
// flows a user takes. Screenshots go to test-results/ui/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, openPage, type UiPage } from '../support/browser.ts';
import { type CliServer, startCliServer } from '../support/cli-process.ts';
import {
  type BigRuns,
  type SeededRun,
  seedBigRuns,
  seedExperiment,
  seedModelAndArtifact,
} from '../support/seed-runs.ts';

const skip = browserSkipReason();

/** Data rows of the runs grid (the header row is not counted). */
const runRows = (page: Page) => page.locator('.runs-grid [role="row"]:not(.grid-header)');

describe('web UI in chromium', { skip, timeout: 180_000 }, () => {
  let dir: string;
  let server: CliServer;
  let browser: Browser;
  let ui: UiPage;
  let runs: SeededRun[];
  let experimentId: string;
  let big: BigRuns;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-ui-'));
    server = await startCliServer([
      '--backend-store-uri',
      `sqlite:///${join(dir, 'ui.db')}`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
    ]);
    // First, so that the main experiment below still holds the newest run.
    big = await seedBigRuns(server.url, 'ui-e2e');
    ({ experimentId, runs } = await seedExperiment(server.url, 'ui-e2e', { runs: 5, steps: 40 }));
    await seedModelAndArtifact(server.url, experimentId, runs[3]!.runId, 'ui-model');
    browser = await launchBrowser();
    ui = await openPage(browser, server.url);
    // Destructive and moving actions ask first (window.confirm); the test says yes.
    ui.page.on('dialog', (d) => void d.accept());
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens on the experiment with the newest run, its runs listed', async () => {
    const { page } = ui;
    await page.goto('/');
    await page.waitForURL((u) => u.searchParams.get('exp') === experimentId);
    await runRows(page).first().waitFor();
    assert.equal(await runRows(page).count(), runs.length);
    assert.ok(await page.getByRole('button', { name: 'ui-e2e', exact: true }).isVisible());
    assert.ok(await page.getByRole('button', { name: 'ui-e2e-older', exact: true }).isVisible());
    // Newest first (default order start_time DESC).
    assert.equal(await runRows(page).first().locator('.name').innerText(), 'run-4');
    await ui.screenshot('1-landing');
  });

  it('edits the experiment’s description and tags', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Edit description' }).click();
    await page.getByRole('textbox', { name: 'Experiment description' }).fill('Learning-rate sweep');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.experiment-header .description', { hasText: 'Learning-rate sweep' }).waitFor();
    await page.getByRole('textbox', { name: 'Tag key' }).fill('owner');
    await page.getByRole('textbox', { name: 'Tag value' }).fill('e2e');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByRole('button', { name: 'Remove tag owner' }).waitFor();
    // Stored on the server, where MLflow keeps an experiment's description.
    const res = await fetch(`${server.url}/api/2.0/mlflow/experiments/get?experiment_id=${experimentId}`);
    const tags = ((await res.json()) as { experiment: { tags: { key: string; value: string }[] } }).experiment
      .tags;
    assert.ok(tags.some((t) => t.key === 'mlflow.note.content' && t.value === 'Learning-rate sweep'));
    assert.ok(tags.some((t) => t.key === 'owner' && t.value === 'e2e'));
  });

  it('creates, renames, searches, deletes and restores an experiment', async () => {
    const { page } = ui;
    const list = page.getByRole('navigation', { name: 'Experiments' });
    await page.getByRole('button', { name: '+ New' }).click();
    await page.getByRole('textbox', { name: 'Experiment name' }).fill('ui-e2e-new');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('No runs in this experiment yet.').waitFor();
    await list.getByRole('button', { name: 'ui-e2e-new', exact: true }).waitFor();

    await list.getByRole('button', { name: 'Rename ui-e2e-new' }).click();
    await page.getByRole('textbox', { name: 'New experiment name' }).fill('ui-e2e-renamed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await list.getByRole('button', { name: 'ui-e2e-renamed', exact: true }).waitFor();

    await page.getByRole('searchbox', { name: 'Search experiments' }).fill('renamed');
    await page.waitForFunction(() => document.querySelectorAll('.experiment-item').length === 1);

    await list.getByRole('button', { name: 'Delete ui-e2e-renamed' }).click();
    await page.getByText('No experiment matches.').waitFor();
    await page.getByRole('checkbox', { name: 'Deleted experiments' }).check();
    await list.getByRole('button', { name: 'Restore ui-e2e-renamed' }).click();
    await page.getByText('No experiment matches.').waitFor();
    await page.getByRole('checkbox', { name: 'Deleted experiments' }).uncheck();
    await list.getByRole('button', { name: 'ui-e2e-renamed', exact: true }).waitFor();
    await page.getByRole('searchbox', { name: 'Search experiments' }).fill('');
    await page.goto(`/?exp=${experimentId}`);
    await runRows(page).first().waitFor();
  });

  it('shows the server’s error for a bad filter, then finds a run by filter', async () => {
    const { page } = ui;
    const box = page.getByRole('searchbox', { name: 'Filter runs' });
    await box.fill('params.lr < 3');
    await box.press('Enter');
    const error = page.locator('#filter-error');
    await error.waitFor();
    assert.match(await error.innerText(), /^INVALID_PARAMETER_VALUE: .*quoted string/);
    await ui.screenshot('2-filter-error');

    await box.fill(`params.lr = '${runs[2]!.lr}'`);
    await box.press('Enter');
    await error.waitFor({ state: 'detached' });
    await page.waitForFunction(
      () => document.querySelectorAll('.runs-grid [role="row"]:not(.grid-header)').length === 1,
    );
    assert.equal(await runRows(page).first().locator('.name').innerText(), 'run-2');
    assert.equal(new URL(page.url()).searchParams.get('filter'), `params.lr = '${runs[2]!.lr}'`);
    await ui.screenshot('3-filtered');
  });

  it('sorts by a metric on the server', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.runs-grid [role="row"]:not(.grid-header)').length === n,
      runs.length,
    );
    await page.locator('[role="columnheader"]', { hasText: 'loss' }).getByRole('button').first().click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'metric:loss');
    // Descending first for numbers: run-0 learns slowest, so it has the highest final loss.
    await page.waitForFunction(
      () =>
        document.querySelector('.runs-grid [role="row"]:not(.grid-header) .name')?.textContent === 'run-0',
    );
    await page.locator('[role="columnheader"]', { hasText: 'loss' }).getByRole('button').first().click();
    await page.waitForURL((u) => u.searchParams.get('dir') === 'asc');
    await page.waitForFunction(
      () =>
        document.querySelector('.runs-grid [role="row"]:not(.grid-header) .name')?.textContent === 'run-4',
    );
  });

  it('adds a tag column from the column picker', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: /^Columns/ }).click();
    const picker = page.getByRole('dialog', { name: 'Choose columns' });
    await picker.getByRole('searchbox').fill('stag');
    await picker.getByRole('checkbox', { name: 'stage' }).check();
    await picker.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL((u) => u.searchParams.getAll('col').includes('tag:stage'));
    await page.locator('[role="columnheader"]', { hasText: 'stage' }).waitFor();
    const cells = await runRows(page).locator('[role="gridcell"]').allInnerTexts();
    assert.ok(cells.includes('odd') && cells.includes('even'), 'the tag values are shown');
  });

  it('lists in the column picker the keys of runs that are not loaded (asked from the server)', async () => {
    const { page } = ui;
    const res = await fetch(`${server.url}/api/2.0/mlflow/runs/log-metric`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ run_id: runs[0]!.runId, key: 'rare_metric', value: 1, timestamp: Date.now() }),
    });
    assert.equal(res.status, 200);
    const box = page.getByRole('searchbox', { name: 'Filter runs' });
    await box.fill("attributes.run_name = 'run-2'");
    await box.press('Enter');
    await page.waitForFunction(
      () => document.querySelectorAll('.runs-grid [role="row"]:not(.grid-header)').length === 1,
    );
    const asked = page.waitForRequest((r) => r.url().includes('/ajax-api/2.0/mlflow/experiments/run-keys?'));
    await page.getByRole('button', { name: /^Columns/ }).click();
    assert.match((await asked).url(), new RegExp(`experiment_ids=${experimentId}`));
    const picker = page.getByRole('dialog', { name: 'Choose columns' });
    await picker.getByRole('searchbox').fill('rare');
    await picker.getByRole('checkbox', { name: 'rare_metric' }).waitFor();
    await picker.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.runs-grid [role="row"]:not(.grid-header)').length === n,
      runs.length,
    );
  });

  it('moves and selects with the keyboard', async () => {
    const { page } = ui;
    await page.locator('.runs-grid').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    await page.waitForURL((u) => u.searchParams.getAll('sel').length === 1);
    assert.equal(await page.locator('.runs-grid [aria-selected="true"]').count(), 1);
    await page.keyboard.press(' ');
    await page.waitForURL((u) => u.searchParams.getAll('sel').length === 0);
  });

  it('groups nested runs under their parent', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'ui-e2e-older', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('exp') !== experimentId);
    await page.getByRole('link', { name: 'sweep', exact: true }).waitFor();
    // old-run and sweep; the trials are folded into sweep.
    assert.equal(await runRows(page).count(), 2);
    await page.getByRole('button', { name: 'Expand 2 nested runs of sweep' }).click();
    await page.getByRole('link', { name: 'trial-0', exact: true }).waitFor();
    assert.equal(await runRows(page).count(), 4);
    await ui.screenshot('4-nested-runs');
    await page.getByRole('button', { name: 'Collapse 2 nested runs of sweep' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('.runs-grid [role="row"]:not(.grid-header)').length === 2,
    );
    await page.goBack();
    await page.waitForURL((u) => u.searchParams.get('exp') === experimentId);
    await runRows(page)
      .nth(runs.length - 1)
      .waitFor();
  });

  it('opens a run and draws its metric chart', async () => {
    const { page } = ui;
    await page.getByRole('link', { name: 'run-3', exact: true }).click();
    await page.waitForURL(`**/runs/${runs[3]!.runId}`);
    await page.getByRole('heading', { name: /run-3/ }).waitFor();
    const params = page.getByRole('region', { name: 'Parameters' });
    assert.match(await params.innerText(), new RegExp(`lr\\s+${runs[3]!.lr.replace('.', '\\.')}`));
    assert.match(await page.locator('.facts').innerText(), /c0ffee3/);
    await ui.screenshot('5-run-overview');

    await page.getByRole('tab', { name: 'Metric charts' }).click();
    await page.waitForURL((u) => u.searchParams.get('tab') === 'charts');
    const chart = page.locator('.line-chart').first();
    await chart.locator('canvas').waitFor();
    // 40 steps logged, all drawn (the server samples only above max_results).
    assert.equal(await chart.getAttribute('data-points'), '40');
    await ui.screenshot('6-run-charts');
  });

  it('compares three runs: overlaid curves and a diff table of what differs', async () => {
    const { page } = ui;
    await page.goBack();
    await page.goBack();
    await runRows(page).first().waitFor();
    for (const name of ['run-1', 'run-2', 'run-3']) {
      await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    }
    await page.waitForURL((u) => u.searchParams.getAll('sel').length === 3);
    await page.getByRole('link', { name: 'Compare' }).click();
    await page.waitForURL('**/compare?**');
    await page.getByRole('heading', { name: 'Comparing 3 runs' }).waitFor();
    const chart = page.locator('.line-chart');
    await chart.locator('canvas').waitFor();
    assert.equal(await chart.getAttribute('data-series'), '3');
    await ui.screenshot('7-compare-charts');

    await page.getByRole('tab', { name: 'Diff table' }).click();
    const table = page.getByRole('region', { name: 'Diff table' });
    await table.locator('tbody tr').first().waitFor();
    assert.ok(await table.getByRole('rowheader', { name: /model/ }).isVisible(), 'equal param listed');
    await page.getByRole('checkbox', { name: 'Only differences' }).check();
    await page.waitForURL((u) => u.searchParams.get('diff') === 'only');
    assert.equal(await table.getByRole('rowheader', { name: /model/ }).count(), 0, 'equal param hidden');
    assert.ok(await table.getByRole('rowheader', { name: /lr/ }).isVisible(), 'differing param shown');
    await ui.screenshot('8-compare-diff');

    await page.getByRole('tab', { name: 'Scatter' }).click();
    await page.getByRole('combobox', { name: 'X' }).selectOption('param:lr');
    await page.getByRole('combobox', { name: 'Y' }).selectOption('metric:loss');
    await page.waitForURL(
      (u) => u.searchParams.get('sx') === 'param:lr' && u.searchParams.get('sy') === 'metric:loss',
    );
    assert.equal(await page.locator('svg.plot circle.dot').count(), 3);
    await ui.screenshot('8b-compare-scatter');

    await page.getByRole('tab', { name: 'Parallel coordinates' }).click();
    const plot = page.getByRole('region', { name: 'Parallel coordinates' });
    assert.equal(await plot.locator('g.run-line').count(), 3);
    // Default axes: the params, then the metrics (lr, model, accuracy, loss).
    assert.deepEqual(await plot.locator('text.axis-label').allTextContents(), [
      'lr',
      'model',
      'accuracy',
      'loss',
    ]);
    await ui.screenshot('8c-compare-parallel');
  });

  it('previews a JSON and a CSV artifact of a run', async () => {
    const { page } = ui;
    await page.goto(`/runs/${runs[3]!.runId}?tab=artifacts`);
    await page.getByRole('button', { name: 'config.json' }).click();
    const preview = page.locator('.artifact-text');
    await preview.waitFor();
    assert.deepEqual(JSON.parse(await preview.innerText()), { layers: [64, 32], act: 'relu' });
    assert.ok(await page.getByRole('link', { name: 'Download' }).isVisible());
    await page.getByRole('button', { name: /eval/ }).click();
    await page.waitForURL((u) => u.searchParams.get('path') === 'eval');
    await page.getByRole('button', { name: 'predictions.csv' }).click();
    const table = page.locator('.artifact-table table');
    await table.waitFor();
    assert.deepEqual(await table.locator('th').allInnerTexts(), ['id', 'label', 'score']);
    assert.deepEqual(await table.locator('tbody tr').nth(1).locator('td').allInnerTexts(), [
      '2',
      'dog, big',
      '0.47',
    ]);
    await ui.screenshot('9-artifact-preview');
  });

  it('previews an MLmodel with its signature table, and sets and removes a run tag', async () => {
    const { page } = ui;
    await page.goto(`/runs/${runs[3]!.runId}?tab=artifacts&path=model`);
    await page.getByRole('button', { name: 'MLmodel' }).click();
    const inputs = page.getByRole('table', { name: 'Inputs' });
    await inputs.waitFor();
    assert.deepEqual(await inputs.locator('tbody tr').first().locator('td').allInnerTexts(), [
      'sepal length (cm)',
      'double',
      'yes',
    ]);
    assert.deepEqual(await inputs.locator('tbody tr').nth(1).locator('td').allInnerTexts(), [
      'species',
      'string',
      'no',
    ]);
    assert.match(await page.getByRole('table', { name: 'Outputs' }).innerText(), /tensor int64 \(-1\)/);
    await ui.screenshot('9b-mlmodel-signature');

    await page.getByRole('tab', { name: 'Overview' }).click();
    const tags = page.getByRole('region', { name: 'Tags' });
    await tags.getByRole('textbox', { name: 'New run tag key' }).fill('reviewed');
    await tags.getByRole('textbox', { name: 'New run tag value' }).fill('yes');
    await tags.getByRole('button', { name: 'Set tag' }).click();
    await tags.getByRole('rowheader', { name: 'reviewed' }).waitFor();
    const tagOnServer = async () => {
      const res = await fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${runs[3]!.runId}`);
      const run = (await res.json()) as { run: { data: { tags: { key: string; value: string }[] } } };
      return run.run.data.tags.find((t) => t.key === 'reviewed')?.value;
    };
    assert.equal(await tagOnServer(), 'yes');
    await tags.getByRole('button', { name: 'Remove tag reviewed' }).click();
    await tags.getByRole('rowheader', { name: 'reviewed' }).waitFor({ state: 'detached' });
    assert.equal(await tagOnServer(), undefined);
  });

  it('promotes a model version: alias, then stage', async () => {
    const { page } = ui;
    await page.getByRole('link', { name: 'Models' }).click();
    await page.getByRole('link', { name: 'ui-model' }).click();
    await page.getByRole('link', { name: 'Version 1' }).first().click();
    await page.getByRole('heading', { name: 'ui-model version 1' }).waitFor();
    await page.getByRole('textbox', { name: 'Alias' }).fill('champion');
    await page.getByRole('button', { name: 'Set alias' }).click();
    await page.getByRole('button', { name: 'Remove alias champion' }).waitFor();

    await page.getByRole('combobox', { name: 'Target stage' }).selectOption('Staging');
    await page.getByRole('button', { name: 'Transition' }).click();
    await page.locator('.facts dd', { hasText: 'Staging' }).waitFor();
    await ui.screenshot('10-version-promoted');

    await page.getByRole('link', { name: 'ui-model' }).click();
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.getByRole('cell', { name: '@champion' }).waitFor();
    assert.ok(await versions.getByRole('cell', { name: 'Staging' }).isVisible());
  });

  it('edits Markdown descriptions and tags in the registry, and shows the version’s signature', async () => {
    const { page } = ui;
    await page.getByRole('heading', { name: 'ui-model', exact: true }).waitFor();
    const description = page.getByRole('region', { name: 'Description' });
    await description.getByRole('button', { name: 'Edit description' }).click();
    await page
      .getByRole('textbox', { name: 'Description' })
      .fill(
        '## Notes\n**Iris** classifier, see [docs](https://example.org/docs).\n' +
          '<img src=x onerror="window.__injected=1"> [bad](javascript:window.__injected=2)',
      );
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await description.locator('strong', { hasText: 'Iris' }).waitFor();
    assert.equal(
      await description.getByRole('link', { name: 'docs' }).getAttribute('href'),
      'https://example.org/docs',
    );
    // Raw HTML is shown as text, and a javascript: link is not a link.
    assert.equal(await description.locator('img').count(), 0);
    assert.match(await description.innerText(), /<img src=x onerror=/);
    assert.equal(await description.getByRole('link', { name: 'bad' }).count(), 0);
    assert.equal(await page.evaluate(() => (window as { __injected?: number }).__injected), undefined);

    const tags = page.getByRole('region', { name: 'Tags' });
    await tags.getByRole('textbox', { name: 'New model tag key' }).fill('team');
    await tags.getByRole('textbox', { name: 'New model tag value' }).fill('vision');
    await tags.getByRole('button', { name: 'Set tag' }).click();
    await tags.getByText('team: vision').waitFor();
    await ui.screenshot('10b-model-markdown-tags');
    await tags.getByRole('button', { name: 'Remove tag team' }).click();
    await tags.getByText('team: vision').waitFor({ state: 'detached' });
    const model = (await (
      await fetch(`${server.url}/api/2.0/mlflow/registered-models/get?name=ui-model`)
    ).json()) as { registered_model: { tags?: unknown[]; description: string } };
    assert.equal(model.registered_model.tags, undefined);
    assert.match(model.registered_model.description, /^## Notes/);

    await page.getByRole('link', { name: 'Version 1' }).first().click();
    const signature = page.getByRole('region', { name: 'Signature' });
    await signature.getByRole('table', { name: 'Inputs' }).waitFor();
    assert.match(await signature.innerText(), /sepal length \(cm\)\s+double\s+yes/);
    const versionTags = page.getByRole('region', { name: 'Tags' });
    await versionTags.getByRole('textbox', { name: 'New version tag key' }).fill('validated');
    await versionTags.getByRole('textbox', { name: 'New version tag value' }).fill('yes');
    await versionTags.getByRole('button', { name: 'Set tag' }).click();
    await versionTags.getByText('validated: yes').waitFor();
    await ui.screenshot('10c-version-signature-tags');
    await page.getByRole('link', { name: 'ui-model' }).click();
    await page.getByRole('heading', { name: 'ui-model', exact: true }).waitFor();
  });

  it('switches to the dark theme and keeps it after a reload', async () => {
    const { page } = ui;
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    const flipped = await page.evaluate(() => document.documentElement.dataset.theme);
    assert.notEqual(flipped, before);
    await page.reload();
    await page.getByRole('heading', { name: 'ui-model' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), flipped);
    if (flipped !== 'dark') await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await ui.screenshot('11-model-dark');
  });

  it('opens a run with 2,000 metrics: virtualised table, charts fetched when in view', async () => {
    const { page } = ui;
    await page.goto(`/runs/${big.wideRunId}`);
    const metrics = page.getByRole('region', { name: 'Metrics' });
    await metrics.getByRole('heading', { name: 'Metrics (2000)' }).waitFor();
    await metrics.getByRole('rowheader', { name: 'm0000' }).waitFor();
    const inDom = await metrics.getByRole('rowheader').count();
    assert.ok(inDom > 5 && inDom < 100, `${inDom} metric rows in the DOM`);
    await metrics.getByRole('searchbox').fill('m1999');
    await metrics.getByRole('rowheader', { name: 'm1999' }).waitFor();
    assert.equal(await metrics.getByRole('rowheader').count(), 1);

    const before = ui.requestPaths.length;
    await page.getByRole('tab', { name: 'Metric charts' }).click();
    const picker = page.getByRole('complementary', { name: 'Metrics to chart' });
    await picker.getByRole('checkbox', { name: 'm0000' }).waitFor();
    assert.ok((await picker.getByRole('checkbox').count()) < 100, 'the picker lists only what is in view');
    // Four charts by default; the fourth is below the fold, so it has not fetched anything yet.
    await page.locator('figure.metric-chart .line-chart[data-drawn]').first().waitFor();
    const fourth = page.getByRole('figure', { name: 'Chart of m0003' });
    assert.equal(await fourth.count(), 0);
    const fetched = ui.requestPaths.slice(before).filter((p) => p.endsWith('/get-history-bulk-interval'));
    assert.ok(fetched.length >= 1 && fetched.length < 4, `${fetched.length} charts fetched`);
    await ui.screenshot('12-wide-run-charts');
    await page.locator('.chart-placeholder[data-metric="m0003"]').scrollIntoViewIfNeeded();
    await fourth.locator('.line-chart[data-drawn]').waitFor();
  });

  it('draws a long curve sampled by the server; zooming refetches the range at full resolution', async () => {
    const { page } = ui;
    await page.goto(`/runs/${big.longRunId}?tab=charts&metric=loss`);
    const figure = page.getByRole('figure', { name: 'Chart of loss' });
    await figure.locator('.line-chart[data-drawn]').waitFor();
    // 5,000 steps logged, 1,000 sampled by the server.
    assert.equal(await figure.getAttribute('data-fetched'), '1000');

    const box = (await figure.locator('.u-over').boundingBox())!;
    const zoomed = page.waitForRequest(
      (r) => r.url().includes('get-history-bulk-interval') && r.url().includes('start_step='),
    );
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    const request = new URL((await zoomed).url());
    await page.waitForFunction(() => {
      const f = document.querySelector<HTMLElement>('figure.metric-chart');
      return f?.dataset.zoom !== 'all' && f?.dataset.loading === 'false';
    });
    const [start, end] = (await figure.getAttribute('data-zoom'))!.split('-').map(Number);
    assert.equal(request.searchParams.get('start_step'), String(start));
    assert.equal(request.searchParams.get('end_step'), String(end));
    assert.ok(end! - start! > 300 && end! - start! < 700, `zoomed to steps ${start}–${end}`);
    // Every step of the range, not a sample of it.
    assert.equal(Number(await figure.getAttribute('data-fetched')), end! - start! + 1);
    await ui.screenshot('13-long-curve-zoomed');
    await figure.getByRole('button', { name: 'Zoom out' }).click();
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('figure.metric-chart')?.dataset.fetched === '1000',
    );
  });

  it('compares 120 runs in one chart, fetched in calls of at most 100 runs', async () => {
    const { page } = ui;
    const before = ui.requestPaths.length;
    await page.goto(`/compare?${big.manyRunIds.map((id) => `run=${id}`).join('&')}`);
    await page.getByRole('heading', { name: 'Comparing 120 runs' }).waitFor();
    const chart = page.locator('.line-chart');
    await chart.locator('canvas').waitFor();
    assert.equal(await chart.getAttribute('data-series'), '120');
    const calls = ui.requestPaths.slice(before).filter((p) => p.endsWith('/get-history-bulk-interval'));
    assert.equal(calls.length, 2);
    await ui.screenshot('14-compare-120-runs');
  });

  it('raised no page errors and called the API only under /ajax-api', () => {
    assert.deepEqual(ui.errors, []);
    const api = ui.requestPaths.filter((p) => p.startsWith('/api/') || p.startsWith('/ajax-api/'));
    assert.ok(api.length > 20, `${api.length} API requests`);
    assert.deepEqual(
      api.filter((p) => !p.startsWith('/ajax-api/2.0/mlflow/')),
      [],
    );
  });
});
