/**
 * The commit of the git checkout that holds a file, read straight from `.git` (no `git` binary, no child
 * process): HEAD → symbolic ref → loose ref file or packed-refs. Handles detached HEAD, worktrees and
 * submodules (`.git` file with `gitdir:`), and sha256 repositories. Python sets the same value as
 * `mlflow.source.git.commit` (it asks GitPython).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The git directory for `startDir`: the nearest `.git` directory, or where a `.git` file points. */
export async function findGitDir(startDir: string): Promise<string | undefined> {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return candidate;
    if (info?.isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec((await readText(candidate)) ?? '');
      if (m?.[1]) return path.resolve(dir, m[1].trim());
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Resolves a ref name (`refs/heads/main`) to a commit, following symbolic refs a few levels deep. */
async function resolveRef(gitDir: string, ref: string, depth = 0): Promise<string | undefined> {
  if (depth > 5) return undefined;
  // Linked worktrees keep HEAD privately but share refs with the main repository ("commondir").
  const common = (await readText(path.join(gitDir, 'commondir')))?.trim();
  const commonDir = common ? path.resolve(gitDir, common) : gitDir;
  for (const dir of new Set([gitDir, commonDir])) {
    const loose = (await readText(path.join(dir, ref)))?.trim();
    if (loose && SHA.test(loose)) return loose;
    const symbolic = loose ? /^ref:\s*(.+)$/.exec(loose)?.[1] : undefined;
    if (symbolic) return resolveRef(gitDir, symbolic.trim(), depth + 1);
  }
  // `git gc` moves refs into packed-refs: "<sha> <refname>" lines, "^<sha>" peel lines, "#" comments.
  for (const line of ((await readText(path.join(commonDir, 'packed-refs'))) ?? '').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return undefined;
}

/** The checked-out commit for the repository containing `startDir`, or undefined (no repo, no commit yet). */
export async function readGitCommit(startDir: string): Promise<string | undefined> {
  const gitDir = await findGitDir(startDir);
  if (!gitDir) return undefined;
  const head = (await readText(path.join(gitDir, 'HEAD')))?.trim();
  if (!head) return undefined;
  if (SHA.test(head)) return head; // detached HEAD
  const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
  return ref ? resolveRef(gitDir, ref.trim()) : undefined;
}
