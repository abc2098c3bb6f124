import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inferSignature } from './infer-signature.ts';
import { mlmodelToLogModelJson, parseMLmodel, readMLmodel, stringifyMLmodel } from './mlmodel.ts';
import { dumpPythonYaml, loadYaml } from './python-yaml.ts';
import { saveJsFunctionModel } from './save-model.ts';
import { signatureToMLmodel } from './signature.ts';

const FIXTURES = new URL('../../../../test/fixtures/models/', import.meta.url);
const fixture = (p: string) => readFileSync(new URL(p, FIXTURES), 'utf8');

describe('MLmodel', () => {
  for (const file of ['sklearn-iris/MLmodel', 'sklearn-iris/MLmodel.no-signature', 'serving/MLmodel']) {
    it(`round-trips ${file} byte for byte`, () => {
      const text = fixture(file);
      assert.equal(stringifyMLmodel(parseMLmodel(text)), text);
    });
  }

  it('reads the fields Python wrote', () => {
    const m = parseMLmodel(fixture('sklearn-iris/MLmodel'));
    assert.equal(m.run_id, 'c08a32c1aa7242a4bfc6dbe5c3e0c5ad');
    assert.equal(m.utc_time_created, '2026-11-23 15:17:47.480319');
    assert.equal(m.flavors.python_function?.loader_module, 'mlflow.sklearn');
    assert.deepEqual(m.saved_input_example_info, {
      artifact_path: 'input_example.json',
      pandas_orient: 'split',
      type: 'dataframe',
    });
    assert.equal(m.signature?.inputs?.kind, 'column');
    assert.deepEqual(
      m.signature?.inputs?.specs.map((s) => [s.name, s.type, s.required]),
      [
        ['sepal_length', 'double', true],
        ['sepal_width', 'double', true],
        ['petal_length', 'double', true],
        ['petal_width', 'double', true],
      ],
    );
    assert.deepEqual(m.signature?.outputs, {
      kind: 'tensor',
      specs: [{ type: 'tensor', dtype: 'int64', shape: [-1] }],
    });
    assert.equal(m.signature?.params, null);
  });

  it('writes the runs/log-model body Python sends', () => {
    const recorded = JSON.parse(fixture('sklearn-iris/log-model.request.json'));
    const ours = JSON.parse(mlmodelToLogModelJson(parseMLmodel(fixture('sklearn-iris/MLmodel'))));
    assert.deepEqual(ours, recorded.model_json_parsed);
  });

  it('round-trips conda.yaml and python_env.yaml as PyYAML writes them', () => {
    const conda = fixture('sklearn-iris/conda.yaml');
    assert.equal(dumpPythonYaml(loadYaml(conda)), conda);
    const env = fixture('sklearn-iris/python_env.yaml');
    assert.equal(dumpPythonYaml(loadYaml(env), { sortKeys: false }), env);
  });

  it('quotes strings Python would otherwise read as timestamps or booleans', () => {
    const text = dumpPythonYaml({ t: '2024-01-01 10:00:00.000000', b: 'yes', n: '1.0', s: 'plain' });
    assert.equal(text, "b: 'yes'\nn: '1.0'\ns: plain\nt: '2024-01-01 10:00:00.000000'\n");
  });

  it('refuses a manifest without flavors, naming the problem', () => {
    assert.throws(() => parseMLmodel('run_id: x\n'), /no 'flavors' mapping/);
  });
});

describe('signatures', () => {
  it('writes new signatures with Python json spacing and required flags', () => {
    const sig = inferSignature([{ a: 1.5, b: 'x' }], [0.5], { threshold: 0.5, tags: ['a'] });
    assert.deepEqual(signatureToMLmodel(sig), {
      inputs:
        '[{"type": "double", "name": "a", "required": true}, {"type": "string", "name": "b", "required": true}]',
      outputs: '[{"type": "double", "required": true}]',
      params:
        '[{"name": "threshold", "type": "double", "default": 0.5, "shape": null}, ' +
        '{"name": "tags", "type": "string", "default": ["a"], "shape": [-1]}]',
    });
  });

  it('infers tensors from nested lists and typed arrays, and optional columns from nulls', () => {
    assert.deepEqual(
      inferSignature([
        [1, 2],
        [3, 4],
      ]).inputs,
      {
        kind: 'tensor',
        specs: [{ type: 'tensor', dtype: 'int64', shape: [-1, 2] }],
      },
    );
    assert.deepEqual(inferSignature(new Float32Array(3)).inputs, {
      kind: 'tensor',
      specs: [{ type: 'tensor', dtype: 'float32', shape: [-1] }],
    });
    const cols = inferSignature({ x: new Int32Array(2), y: [null, true], z: [[1.5], [2]] }).inputs;
    assert.deepEqual(cols, {
      kind: 'column',
      specs: [
        { type: 'integer', name: 'x', required: true },
        { type: 'boolean', name: 'y', required: false },
        { type: 'array', items: { type: 'double' }, name: 'z', required: true },
      ],
    });
  });

  it('refuses schemas that mix column and tensor specs', () => {
    const raw = {
      inputs:
        '[{"type": "double", "name": "a"}, {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]',
    };
    assert.throws(
      () => parseMLmodel(`flavors: {}\nsignature:\n  inputs: '${raw.inputs}'\n`),
      /cannot be mixed/,
    );
  });
});

describe('saveJsFunctionModel', () => {
  it('writes a directory whose MLmodel reads back with signature and input example', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlflow-ts-save-'));
    try {
      const source = new URL('js/linear/', FIXTURES);
      const saved = await saveJsFunctionModel(join(dir, 'model'), {
        module: new URL('model.mjs', source).pathname,
        artifacts: { weights: new URL('artifacts/weights.json', source).pathname },
        signature: inferSignature([{ x: 1.5, y: 2.5 }]),
        inputExample: [{ x: 1.5, y: 2.5 }],
        batchable: true,
      });
      const back = await readMLmodel(join(dir, 'model'));
      assert.equal(back.model_uuid, saved.model_uuid);
      assert.match(back.utc_time_created ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      assert.deepEqual(back.flavors.js_function?.artifacts, { weights: 'artifacts/weights.json' });
      assert.ok((back.model_size_bytes ?? 0) > 0);
      assert.equal(
        readFileSync(join(dir, 'model', 'input_example.json'), 'utf8'),
        '{"columns": ["x", "y"], "data": [[1.5, 2.5]]}',
      );
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'model', 'serving_input_example.json'), 'utf8')), {
        dataframe_split: { columns: ['x', 'y'], data: [[1.5, 2.5]] },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
