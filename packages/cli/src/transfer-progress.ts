/**
 * A progress bar on stderr for large artifact transfers (cli-progress). It appears once the bytes known
 * to be moving reach 10 MB — small transfers finish before a bar would help — and only on a terminal, so
 * scripts reading stdout or logs get no control characters.
 */

import type { TransferProgress } from '@mlflow-ts/client/node';
import cliProgress from 'cli-progress';

const SHOW_FROM_BYTES = 10 * 1024 * 1024;

export class TransferBar {
  private readonly files = new Map<string, { bytes: number; total: number }>();
  private bar: cliProgress.SingleBar | undefined;

  constructor(
    private readonly label: string,
    private readonly enabled = Boolean(process.stderr.isTTY),
  ) {}

  readonly onProgress = (p: TransferProgress): void => {
    this.files.set(p.path, { bytes: p.bytes, total: p.total ?? p.bytes });
    let bytes = 0;
    let total = 0;
    for (const f of this.files.values()) {
      bytes += f.bytes;
      total += Math.max(f.total, f.bytes);
    }
    if (!this.enabled) return;
    if (!this.bar && total >= SHOW_FROM_BYTES) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${this.label} [{bar}] {percentage}% | {value_mb}/{total_mb} MB | {files} file(s)`,
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, bytes, this.payload(bytes, total));
    }
    this.bar?.setTotal(total);
    this.bar?.update(bytes, this.payload(bytes, total));
  };

  private payload(bytes: number, total: number) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    return { value_mb: mb(bytes), total_mb: mb(total), files: this.files.size };
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
