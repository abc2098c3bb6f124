/**
 * Inference params against the signature's params schema (spec §6.2, §6.5): each value checked against
 * its ParamSpec (type, list shape), unknown names ignored, absent names take their default. Without a
 * params schema, params are ignored (MLflow logs a warning and does the same).
 */
import { invalidParameter } from '../errors.ts';
import type { ParamSpec } from '../format/signature.ts';
import { castValue } from './cast-column.ts';

export function enforceParams(
  given: Record<string, unknown> | null,
  specs: ParamSpec[] | null,
): Record<string, unknown> | null {
  if (!specs) return null;
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const v = given?.[spec.name];
    if (v === undefined || v === null) {
      out[spec.name] = spec.default;
      continue;
    }
    out[spec.name] = checkParam(spec, v);
  }
  return out;
}

function checkParam(spec: ParamSpec, v: unknown): unknown {
  const fail = (why: string) =>
    invalidParameter(`Failed to validate type and shape for '${spec.name}', error: ${why}`);
  const one = (x: unknown) => {
    // Params are not pre-cast like columns: a string for a double param is an error, as in MLflow.
    if ((spec.type === 'double' || spec.type === 'float') && typeof x !== 'number') {
      throw fail(`expected ${spec.type}, got ${JSON.stringify(x)}`);
    }
    if ((spec.type === 'long' || spec.type === 'integer') && !Number.isInteger(x)) {
      throw fail(`expected ${spec.type}, got ${JSON.stringify(x)}`);
    }
    if (spec.type === 'boolean' && typeof x !== 'boolean')
      throw fail(`expected boolean, got ${JSON.stringify(x)}`);
    if (spec.type === 'string' && typeof x !== 'string')
      throw fail(`expected string, got ${JSON.stringify(x)}`);
    try {
      return castValue(x, { type: spec.type }, spec.name);
    } catch (err) {
      throw fail((err as Error).message);
    }
  };
  if (spec.shape === null) {
    if (Array.isArray(v)) throw fail(`expected a scalar ${spec.type}, got a list`);
    return one(v);
  }
  if (!Array.isArray(v)) throw fail(`expected a list of ${spec.type} (shape ${JSON.stringify(spec.shape)})`);
  return v.map(one);
}
