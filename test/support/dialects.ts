// Runs a suite once per available database dialect (SQLite always; PostgreSQL when the test command
// started one — under CI=true its absence fails instead of skipping, see databases.ts).
import { describe } from 'node:test';
import { type Dialect, postgresAvailable } from './databases.ts';

export function availableDialects(): Dialect[] {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  // Under CI the PostgreSQL suites always run, so a missing database fails them instead of hiding them.
  return postgresAvailable() || ci ? ['sqlite', 'postgresql'] : ['sqlite'];
}

export function describeEachDialect(name: string, fn: (dialect: Dialect) => void): void {
  for (const dialect of availableDialects()) describe(`${name} [${dialect}]`, () => fn(dialect));
}
