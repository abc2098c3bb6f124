import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSignature } from './signature.ts';

// As MLflow's Python client writes it: PyYAML folds long single-quoted scalars at 80 columns.
const MLMODEL = `artifact_path: model
flavors:
  sklearn:
    pickled_model: model.pkl
signature:
  inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":
    "string", "name": "it''s", "required": false}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: '[{"name": "temperature", "type": "double", "default": 0.5, "shape": null}]'
mlflow_version: 2.9.2
`;

test('MLmodel signature: folded quoted JSON, escapes, tensors and params', () => {
  assert.deepEqual(parseSignature(MLMODEL), {
    inputs: [
      { name: 'sepal length (cm)', type: 'double', required: true },
      { name: "it's", type: 'string', required: false },
    ],
    outputs: [{ name: '[0]', type: 'tensor int64 (-1)', required: true }],
    params: [{ name: 'temperature', type: 'double', required: true, default: '0.5' }],
  });
});

test('MLmodel without a signature, and with params: null', () => {
  assert.equal(parseSignature('artifact_path: model\nflavors: {}\n'), null);
  const sig = parseSignature(
    `signature:\n  inputs: '[{"type": "long", "name": "x"}]'\n  outputs: null\n  params: null\n`,
  );
  assert.deepEqual(sig, { inputs: [{ name: 'x', type: 'long', required: true }], outputs: [], params: [] });
});
