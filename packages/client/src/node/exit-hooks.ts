/**
 * Process-exit handling for the fluent API, like Python's atexit hook that ends the active run.
 *
 * - `beforeExit` (the event loop ran dry: the script finished): active runs are ended FINISHED, which
 *   flushes their queued metrics first.
 * - SIGINT / SIGTERM: active runs are ended KILLED within `signalTimeoutMs`, then the signal is re-raised
 *   so the process still dies of it (exit code 130 / 143) — unless the program has its own handler for
 *   that signal, in which case exiting stays its decision. A second signal exits at once.
 * - `process.exit()` and uncaught exceptions: Node runs only synchronous `exit` listeners, so nothing
 *   queued can be sent. Await `endRun()` or `flushAsyncLogging()` before calling process.exit().
 */
import os from 'node:os';
import { MetricDeliveryError } from '../errors.ts';
import { activeRun, endAllRuns, flushAsyncLogging, hasPendingMetrics } from '../fluent.ts';

export interface ExitHookOptions {
  /** How long a signal may wait for runs to end before the process goes anyway. Default 5000 ms. */
  signalTimeoutMs?: number;
  signals?: NodeJS.Signals[];
}

let uninstall: (() => void) | undefined;

/** Ends active runs and flushes metrics; reports failures instead of throwing (nobody can catch them). */
async function shutdown(status: 'FINISHED' | 'KILLED'): Promise<void> {
  const report = (err: unknown) => {
    // Lost metrics were already reported by the queue when they were dropped.
    if (!(err instanceof MetricDeliveryError)) console.error('[mlflow-ts] while exiting:', err);
  };
  await endAllRuns(status).catch(report);
  await flushAsyncLogging().catch(report);
}

export function installExitHooks(opts: ExitHookOptions = {}): void {
  if (uninstall) return;
  const timeoutMs = opts.signalTimeoutMs ?? 5000;
  const signals = opts.signals ?? ['SIGINT', 'SIGTERM'];
  let finishedOnce = false;
  let handlingSignal = false;

  const onBeforeExit = () => {
    // beforeExit fires again after our async work; act once, or a dead server would keep us looping.
    if (finishedOnce || (activeRun() === null && !hasPendingMetrics())) return;
    finishedOnce = true;
    void shutdown('FINISHED');
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + (os.constants.signals[signal] ?? 0);
    if (handlingSignal) process.exit(code);
    handlingSignal = true;
    // Counted now: a program's `once` listener is gone by the time our async work is done.
    const programHandlesIt = process.listenerCount(signal) > 1;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    void Promise.race([shutdown('KILLED'), deadline]).then(() => {
      clearTimeout(timer);
      handlingSignal = false;
      if (programHandlesIt) return; // the program handles this signal itself
      uninstall?.();
      process.kill(process.pid, signal); // no listener left: the default action terminates us
    });
  };

  process.on('beforeExit', onBeforeExit);
  for (const s of signals) process.on(s, onSignal);
  uninstall = () => {
    process.off('beforeExit', onBeforeExit);
    for (const s of signals) process.off(s, onSignal);
    uninstall = undefined;
  };
}

export function uninstallExitHooks(): void {
  uninstall?.();
}
