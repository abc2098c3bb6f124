import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadModelFromDir } from '../flavors/load-model.ts';
import type { LoadedModel } from '../flavors/loaded-model.ts';
import type { Frame } from '../input/model-input.ts';
import { type ChunkJob, frameLines, predictionRows, rowLines, scoreChunk } from './score-chunk.ts';

const LOGREG = fileURLToPath(new URL('../../../../test/fixtures/models/onnx/logreg', import.meta.url));
const HEADER = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

const job = (text: string, outputFormat: 'csv' | 'jsonl'): ChunkJob => ({
  text,
  inputFormat: 'csv',
  header: HEADER,
  outputFormat,
  withHeader: true,
  firstLine: 2,
});

describe('scoreChunk fast paths', () => {
  let model: LoadedModel;
  before(async () => {
    model = await loadModelFromDir(LOGREG, { intraOpNumThreads: 1 });
  });
  after(() => model.close());

  it('numeric CSV scores the same as through the general parser', async () => {
    const rows = Array.from(
      { length: 500 },
      (_, i) => `${4 + (i % 40) / 10},3.${i % 9},${1 + (i % 60) / 10},0.${i % 10}`,
    );
    const text = `${rows.join('\n')}\r\n\n`;
    // A quoted field sends the chunk through CsvParser + prepareInput; the values are the same.
    const general = `"${rows[0]!.split(',')[0]}",${rows[0]!.split(',').slice(1).join(',')}\n${rows.slice(1).join('\n')}\n`;
    for (const format of ['csv', 'jsonl'] as const) {
      const fast = await scoreChunk(model, job(text, format));
      const slow = await scoreChunk(model, job(general, format));
      assert.equal(fast.rows, 500);
      assert.equal(fast.out, slow.out);
    }
  });

  it('a bad row still gets the general path error', async () => {
    await assert.rejects(
      scoreChunk(model, job('5.1,3.5,1.4\n', 'csv')),
      /expected 4 fields in line 2, saw 3/,
    );
  });

  it('column-wise output lines equal the per-row formatting for mixed columns', () => {
    const frame: Frame = {
      kind: 'frame',
      columns: ['n', 'list', 'text', 'mixed'],
      values: [
        Float64Array.from([1.5, Number.NaN, Number.POSITIVE_INFINITY]),
        [[0.25, 0.75], [Number.NaN], [1, 2, 3]],
        ['a,b', 'say "hi"', 'plain'],
        [null, { k: [1, 'x'] }, true],
      ],
      rows: 3,
    };
    for (const format of ['csv', 'jsonl'] as const) {
      assert.deepEqual(frameLines(frame, format, true), rowLines(predictionRows(frame, 3), format, true));
    }
  });
});
