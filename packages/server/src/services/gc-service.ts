/**
 * Permanent deletion (`mlflow-ts gc`, spec §3.4) and registry retention rules. Runs go in batches: their
 * artifacts first, then their rows in one transaction, so an artifact store failure leaves the run in
 * place (reported) instead of orphaning its files. Experiments go after all their runs.
 */
import type { ModelVersion } from '@mlflow-ts/protocol';
import type { ArtifactLocations } from '../artifacts/index.ts';
import { MlflowError } from '../core/mlflow-error.ts';
import type { DeletedRun, PurgeStore } from '../store/purge-store.ts';
import type { RegistryStore } from '../store/registry-store.ts';

/** Registered-model tag holding how many unprotected versions to keep. */
export const RETENTION_TAG = 'mlflow_ts.retention.keep_latest_versions';

const BATCH = 100;

export interface GcOptions {
  /** Only what was deleted at least this long ago (ms). */
  olderThanMs?: number;
  experimentIds?: string[];
  runIds?: string[];
  dryRun?: boolean;
  /** Apply the registry retention rules (default true). */
  retention?: boolean;
}

export interface GcReport {
  dryRun: boolean;
  runs: string[];
  experiments: string[];
  /** `name/version` of versions retired by retention rules. */
  modelVersions: string[];
  /** Leftovers of interrupted uploads removed from the artifact stores (untouched for a day). */
  abandonedUploads: number;
  /** What could not be removed, and why; those rows stay. */
  errors: string[];
}

/** Staging leftovers older than this are from interrupted uploads, not from uploads in progress. */
const ABANDONED_UPLOAD_MS = 24 * 3_600_000;

export class GcService {
  constructor(
    private readonly store: PurgeStore,
    private readonly registry: RegistryStore,
    private readonly artifacts: ArtifactLocations,
    private readonly now: () => number = Date.now,
    private readonly progress: (line: string) => void = () => {},
  ) {}

  async run(options: GcOptions): Promise<GcReport> {
    const report: GcReport = {
      dryRun: options.dryRun ?? false,
      runs: [],
      experiments: [],
      modelVersions: [],
      abandonedUploads: 0,
      errors: [],
    };
    const deletedBefore = options.olderThanMs === undefined ? undefined : this.now() - options.olderThanMs;
    if (options.runIds) await this.checkRunsDeleted(options.runIds);
    const experiments = await this.store.deletedExperiments({
      deletedBefore,
      experimentIds: options.experimentIds,
    });
    if (options.experimentIds) {
      const found = new Set(experiments.map((e) => e.experimentId));
      const notDeleted = options.experimentIds.filter((id) => !found.has(id));
      if (notDeleted.length > 0 && deletedBefore === undefined) {
        throw MlflowError.invalidParameter(
          `Experiments ${notDeleted.join(', ')} are not in the deleted lifecycle stage. Only experiments in the deleted stage can be permanently deleted.`,
        );
      }
    }

    // Deleted runs (of any experiment, or of the named ones / named runs only).
    if (!options.experimentIds || options.runIds) {
      await this.purgeRunPages(report, (after) =>
        this.store.deletedRuns({
          deletedBefore,
          runIds: options.runIds,
          afterRunId: after,
          limit: BATCH,
        }),
      );
    }
    // Deleted experiments with every run they hold.
    if (!options.runIds) {
      for (const e of experiments) {
        const failedBefore = report.errors.length;
        await this.purgeRunPages(report, (after) =>
          this.store.runsOfExperiment(e.experimentId, after, BATCH),
        );
        if (report.errors.length > failedBefore) continue;
        if (!report.dryRun) {
          const removed = await this.deleteArtifacts(
            e.artifactLocation,
            `experiment ${e.experimentId}`,
            report,
          );
          if (!removed) continue;
          await this.store.purgeExperiment(e.experimentId);
        }
        report.experiments.push(e.experimentId);
        this.progress(
          `${report.dryRun ? 'would remove' : 'removed'} experiment ${e.experimentId} (${e.name})`,
        );
      }
    }
    if (options.retention ?? true) await this.applyRetention(report);
    if (!report.dryRun) {
      for (const repository of this.artifacts.repositories()) {
        report.abandonedUploads += (await repository.sweepAbandoned?.(ABANDONED_UPLOAD_MS, this.now())) ?? 0;
      }
    }
    return report;
  }

  private async checkRunsDeleted(runIds: string[]): Promise<void> {
    const stages = await this.store.runStages(runIds);
    for (const id of runIds) {
      const stage = stages.get(id);
      if (stage === undefined) throw MlflowError.notFound(`Run '${id}' not found`);
      if (stage !== 'deleted') {
        throw MlflowError.invalidParameter(
          `Run ${id} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`,
        );
      }
    }
  }

  private async purgeRunPages(
    report: GcReport,
    page: (after?: string) => Promise<DeletedRun[]>,
  ): Promise<void> {
    let after: string | undefined;
    for (;;) {
      const runs = await page(after);
      if (runs.length === 0) return;
      after = runs.at(-1)?.runId;
      const purgeable: string[] = [];
      for (const run of runs) {
        if (report.dryRun || (await this.deleteArtifacts(run.artifactUri, `run ${run.runId}`, report))) {
          purgeable.push(run.runId);
        }
      }
      if (!report.dryRun) await this.store.purgeRuns(purgeable);
      report.runs.push(...purgeable);
      this.progress(
        `${report.dryRun ? 'would remove' : 'removed'} ${purgeable.length} runs (${report.runs.length} so far)`,
      );
      if (runs.length < BATCH) return;
    }
  }

  /** True when the artifacts are gone (or there were none); false, with an error reported, otherwise. */
  private async deleteArtifacts(uri: string, what: string, report: GcReport): Promise<boolean> {
    if (!uri) return true;
    try {
      const { repository, path } = this.artifacts.resolve(uri);
      await repository.delete(path);
      return true;
    } catch (err) {
      report.errors.push(`${what}: artifacts at ${uri} not deleted (${(err as Error).message}); kept`);
      return false;
    }
  }

  /**
   * For each model tagged with RETENTION_TAG = N: versions with an alias or in Production are kept; of
   * the others the newest N are kept and the rest deleted (soft, as model-versions/delete does).
   */
  private async applyRetention(report: GcReport): Promise<void> {
    let offset = 0;
    for (;;) {
      const page = await this.registry.searchRegisteredModels({
        filter: [{ type: 'tag', key: RETENTION_TAG, comparator: 'LIKE', value: '%' }],
        orderBy: [],
        maxResults: 100,
        offset,
        includePrompts: true,
      });
      for (const model of page.items) {
        const keep = Number(model.tags?.find((t) => t.key === RETENTION_TAG)?.value);
        if (!Number.isInteger(keep) || keep < 0) {
          report.errors.push(
            `model ${model.name}: ${RETENTION_TAG} must be a whole number, not '${model.tags?.find((t) => t.key === RETENTION_TAG)?.value}'`,
          );
          continue;
        }
        for (const v of await this.retire(
          model.name,
          keep,
          new Set((model.aliases ?? []).map((a) => a.version)),
        )) {
          if (!report.dryRun) await this.registry.deleteModelVersion(model.name, Number(v.version));
          report.modelVersions.push(`${model.name}/${v.version}`);
          this.progress(
            `${report.dryRun ? 'would retire' : 'retired'} model version ${model.name}/${v.version}`,
          );
        }
      }
      if (page.nextOffset === undefined) return;
      offset = page.nextOffset;
    }
  }

  private async retire(name: string, keep: number, aliased: Set<string>): Promise<ModelVersion[]> {
    const versions: ModelVersion[] = [];
    for (let offset = 0; ; ) {
      const page = await this.registry.searchModelVersions({
        filter: [{ type: 'attribute', key: 'name', comparator: '=', value: name }],
        orderBy: [{ type: 'attribute', key: 'version_number', ascending: false }],
        maxResults: 1000,
        offset,
        includePrompts: true,
      });
      versions.push(...page.items);
      if (page.nextOffset === undefined) break;
      offset = page.nextOffset;
    }
    const unprotected = versions.filter((v) => !aliased.has(v.version) && v.current_stage !== 'Production');
    return unprotected.slice(keep);
  }
}
