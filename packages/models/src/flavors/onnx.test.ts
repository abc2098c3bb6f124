import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../errors.ts';
import { loadModel, type PyfuncLike } from '../load-model-uri.ts';
import { loadModelFromDir } from './load-model.ts';

const FIXTURES = new URL('../../../../test/fixtures/models/', import.meta.url);
const dir = (p: string) => fileURLToPath(new URL(p, FIXTURES));
const reference = JSON.parse(readFileSync(new URL('onnx/reference.json', FIXTURES), 'utf8')) as {
  input: number[][];
  logreg: { label: number[]; probabilities: number[][] };
  mlp: { label: number[]; probabilities: number[][] };
  mlp_reg: { variable: number[][] };
};
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const records = reference.input.map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]])));

/** float32 inference vs the float64 reference: agree to ~1e-5. */
function close(actual: number[], expected: number[], what: string) {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => {
    assert.ok(Math.abs(a - expected[i]!) < 1e-4, `${what}[${i}]: ${a} vs ${expected[i]}`);
  });
}

describe('onnx flavor on the reference models', () => {
  const models: Record<string, PyfuncLike> = {};
  before(async () => {
    for (const name of ['logreg', 'logreg_ml', 'mlp', 'mlp_reg'])
      models[name] = await loadModel(dir(`onnx/${name}`));
  });
  after(async () => {
    for (const m of Object.values(models)) await m.close();
  });

  for (const name of ['logreg', 'mlp'] as const) {
    it(`${name}: records in, one record per row out (label, probabilities)`, async () => {
      const out = (await models[name]!.predict(records)) as { label: number; probabilities: number[] }[];
      assert.deepEqual(
        out.map((r) => r.label),
        reference[name].label,
      );
      out.forEach((r, i) => {
        close(r.probabilities, reference[name].probabilities[i]!, `${name} row ${i}`);
      });
    });
  }

  it('logreg_ml (tensor signature): a nested list in, {output: array} out', async () => {
    const out = (await models.logreg_ml!.predict(reference.input)) as {
      label: number[];
      probabilities: number[][];
    };
    assert.deepEqual(out.label, reference.logreg.label);
    close(out.probabilities.flat(), reference.logreg.probabilities.flat(), 'probabilities');
  });

  it('mlp_reg (no signature): a dict of tensors feeds inputs by name', async () => {
    const out = (await models.mlp_reg!.predict({ input: reference.input })) as { variable: number[][] };
    close(out.variable.flat(), reference.mlp_reg.variable.flat(), 'variable');
  });

  it('a frame for a graph with a fixed width of 4 refuses 3 columns', async () => {
    await assert.rejects(models.mlp_reg!.predict([{ a: 1, b: 2, c: 3 }]), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.match(err.message, /ONNX input 'input' expects shape \(-1, 4\), got \(1, 3\)/);
      return true;
    });
  });
});

describe('universal loader', () => {
  it('a Python-only model is refused with the flavors it has', async () => {
    await assert.rejects(loadModelFromDir(dir('sklearn-iris')), (err: unknown) => {
      assert.ok(err instanceof ModelError);
      assert.match(
        err.message,
        /\[python_function \(loader_module mlflow\.sklearn\), sklearn\], which need Python/,
      );
      return true;
    });
  });

  it('js_function: load() state, artifacts, params with defaults, errors with a stack trace', async () => {
    const m = await loadModel(dir('js/linear'));
    try {
      assert.equal(m.flavor, 'js_function');
      assert.deepEqual(await m.predict({ x: [1, 2], y: [3, 4] }), [-0.5, 0.5]);
      assert.deepEqual(await m.predict([{ x: 1, y: 3 }], { scale: 2 }), [-1]);
      await assert.rejects(m.predict([{ x: 1, y: 3 }], { explode: true }), (err: unknown) => {
        assert.ok(err instanceof ModelError);
        assert.equal(err.code, 'BAD_REQUEST');
        assert.match(err.stackTrace ?? '', /exploded on request/);
        return true;
      });
    } finally {
      await m.close();
    }
  });
});
