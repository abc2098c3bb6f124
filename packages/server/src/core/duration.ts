/** `--older-than` values as MLflow's gc takes them: `30d`, `1d2h`, `45m`, `10s`, combined in that order. */
import { MlflowError } from './mlflow-error.ts';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

export function parseDuration(text: string): number {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === '') {
    throw MlflowError.invalidParameter(
      `Could not parse duration '${text}'. Use a combination of days, hours, minutes and seconds such as 30d or 1d2h30m.`,
    );
  }
  const [, d, h, m, s] = match;
  return (
    Number(d ?? 0) * UNIT_MS.d +
    Number(h ?? 0) * UNIT_MS.h +
    Number(m ?? 0) * UNIT_MS.m +
    Number(s ?? 0) * UNIT_MS.s
  );
}
