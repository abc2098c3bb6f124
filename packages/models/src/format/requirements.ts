/**
 * Requirements files of a model directory (spec §5.1). mlflow-ts models run on Node, so we only read
 * Python's files (to show what a Python model needs) and write none of them for js_function models.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The requirement lines of `requirements.txt` (comments and blank lines dropped), or [] if absent. */
export async function readRequirements(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'requirements.txt'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
