// `mlflow-ts models predict` with parquet in and out, and a 1M-row run: the real CLI process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { parquetWriteFile } from 'hyparquet-writer';
import { BIN } from '../support/cli-process.ts';

const LOGREG = fileURLToPath(new URL('../fixtures/models/onnx/logreg', import.meta.url));
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const run = promisify(execFile);

/** Row j of the iris-like input; the same numbers go into the CSV and the parquet file. */
const row = (j: number) => [5 + (j % 20) / 10, 3 + (j % 9) / 10, 1 + (j % 50) / 10, (j % 10) / 10];

function predict(args: string[]) {
  return run(process.execPath, [BIN, 'models', 'predict', '-m', LOGREG, '--no-progress', ...args], {
    maxBuffer: 1 << 26,
  });
}

async function readParquet(path: string) {
  const file = await asyncBufferFromFile(path);
  return { meta: await parquetMetadataAsync(file), rows: await parquetReadObjects({ file }) };
}

/** CSV output lines parsed back to values: label, then the probabilities list's JSON text. */
function csvValues(text: string) {
  const [header, ...lines] = text.trimEnd().split('\n');
  assert.equal(header, 'label,probabilities');
  return lines.map((l) => {
    const comma = l.indexOf(',');
    return {
      label: Number(l.slice(0, comma)),
      probabilities: JSON.parse(l.slice(comma + 1).replace(/^"|"$/g, '')),
    };
  });
}

describe('mlflow-ts models predict: parquet', () => {
  let dir: string;
  const rows = 20_000;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-predict-parquet-'));
    const data = Array.from({ length: rows }, (_, j) => row(j));
    writeFileSync(join(dir, 'in.csv'), `${COLUMNS.join(',')}\n${data.map((r) => r.join(',')).join('\n')}\n`);
    parquetWriteFile({
      filename: join(dir, 'in.parquet'),
      columnData: COLUMNS.map((name, c) => ({
        name,
        data: Float64Array.from(data, (r) => r[c]!),
        type: 'DOUBLE' as const,
      })),
      rowGroupSize: 7_000, // several row groups, cut into chunks across their edges
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every combination of csv, jsonl and parquet gives the values of the CSV path', async () => {
    const out = (name: string) => join(dir, name);
    await predict(['-i', out('in.csv'), '-o', out('csv.csv'), '--threads', '2']);
    const expected = csvValues(readFileSync(out('csv.csv'), 'utf8'));
    assert.equal(expected.length, rows);

    await predict(['-i', out('in.parquet'), '-o', out('pq.csv'), '--threads', '2', '--chunk-rows', '1000']);
    assert.equal(readFileSync(out('pq.csv'), 'utf8'), readFileSync(out('csv.csv'), 'utf8'));

    await predict(['-i', out('in.parquet'), '-o', out('pq.jsonl')]);
    const jsonl = readFileSync(out('pq.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(jsonl, expected);

    for (const input of ['in.csv', 'in.parquet']) {
      const target = out(`${input}.out.parquet`);
      await predict(['-i', out(input), '-o', target, '--threads', '2']);
      const { meta, rows: got } = await readParquet(target);
      assert.deepEqual(
        meta.schema.slice(1).map((e) => e.name),
        ['label', 'probabilities', 'list', 'element'],
      );
      assert.ok(meta.row_groups.every((g) => Number(g.num_rows) <= 65_536 + 4_096));
      assert.deepEqual(got, expected, `${input} → parquet`);
    }
  });

  it('a parquet column of the wrong type fails with a message naming it', async () => {
    const bad = join(dir, 'bad.parquet');
    parquetWriteFile({
      filename: bad,
      columnData: COLUMNS.map((name) => ({
        name,
        data: name === 'petal_width' ? ['0.2', '0.3'] : Float64Array.of(1, 2),
        type: name === 'petal_width' ? ('STRING' as const) : ('DOUBLE' as const),
      })),
    });
    await assert.rejects(
      predict(['-i', bad, '-o', join(dir, 'bad.csv')]),
      (err: Error & { stderr: string }) => {
        assert.match(
          err.stderr,
          /Column 'petal_width' of the parquet file is BYTE_ARRAY \(UTF8\), but the model signature expects double/,
        );
        return true;
      },
    );
  });
});

describe('mlflow-ts models predict: 1,000,000 rows', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-predict-1m-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scores a 1M-row CSV into parquet, every row in order', async () => {
    const rows = 1_000_000;
    const input = join(dir, 'in.csv');
    const out = createWriteStream(input);
    out.write(`${COLUMNS.join(',')}\n`);
    for (let i = 0; i < rows; i += 50_000) {
      let chunk = '';
      for (let j = i; j < i + 50_000; j++) chunk += `${row(j).join(',')}\n`;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const target = join(dir, 'out.parquet');
    const { stderr } = await predict(['-i', input, '-o', target]);
    assert.match(stderr, /Scored 1000000 rows/);
    const { meta } = await readParquet(target);
    assert.equal(Number(meta.num_rows), rows);
    const file = await asyncBufferFromFile(target);
    // Spot checks against single-row predictions of the same inputs (first, middle, last rows).
    const picks = [0, 1, 500_017, rows - 1];
    const probe = join(dir, 'probe.csv');
    writeFileSync(probe, `${COLUMNS.join(',')}\n${picks.map((j) => row(j).join(',')).join('\n')}\n`);
    const expected = (await predict(['-i', probe])).stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const [k, j] of picks.entries()) {
      const [got] = await parquetReadObjects({ file, rowStart: j, rowEnd: j + 1 });
      assert.deepEqual(got, expected[k], `row ${j}`);
    }
    assert.ok(expected.some((e) => e.label === 0) && expected.some((e) => e.label !== 0));
  });
});
