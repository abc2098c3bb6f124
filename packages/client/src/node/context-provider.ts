/**
 * The Node context: MLflow environment variables from `process.env`, and the system tags Python's
 * default/git run contexts put on fluent runs: mlflow.user, mlflow.source.name, mlflow.source.type=LOCAL,
 * mlflow.source.git.commit.
 */
import os from 'node:os';
import path from 'node:path';
import type { ContextProvider } from '../context.ts';
import { readGitCommit } from './git.ts';

export interface NodeContextOptions {
  /** Default: process.env, read at each lookup so later changes are seen. */
  env?: Record<string, string | undefined>;
  /** The entry script; default process.argv[1] (Python uses sys.argv[0]). */
  entryScript?: string | undefined;
}

/**
 * The login name as Python's getpass.getuser() finds it — LOGNAME, USER, LNAME, USERNAME, then the
 * password database — so Python and TS runs of one user carry the same `mlflow.user`.
 */
export function loginName(env: Record<string, string | undefined> = process.env): string {
  for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = env[name];
    if (value) return value;
  }
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown'; // e.g. a container uid without a passwd entry; Python's client sends "unknown" too
  }
}

export function createNodeContextProvider(opts: NodeContextOptions = {}): ContextProvider {
  const env = () => opts.env ?? process.env;
  const script = () => ('entryScript' in opts ? opts.entryScript : process.argv[1]);
  return {
    env: (name) => env()[name],
    async runTags() {
      const source = script();
      const tags: Record<string, string> = {
        'mlflow.user': loginName(env()),
        'mlflow.source.name': source ?? '<console>',
        'mlflow.source.type': 'LOCAL',
      };
      const commit = source ? await readGitCommit(path.dirname(path.resolve(source))) : undefined;
      if (commit) tags['mlflow.source.git.commit'] = commit;
      return tags;
    },
  };
}
