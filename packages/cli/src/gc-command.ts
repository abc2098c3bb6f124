/**
 * `mlflow-ts gc`: permanently deletes runs and experiments in the deleted stage, with their artifacts,
 * and applies registry retention rules (spec §3.4, §8). Prints what it removed (or, with --dry-run,
 * what it would remove).
 */
import {
  ArtifactLocations,
  type ArtifactRepository,
  GcService,
  openArtifactRepository,
  openSqlTrackingStore,
  parseDuration,
  storageLocationOf,
} from '@mlflow-ts/server';
import { type Command, Option } from 'commander';
import { serverConfig } from './config.ts';

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

export function registerGcCommand(program: Command): void {
  program
    .command('gc')
    .description(
      'Permanently delete runs and experiments in the deleted stage (with their artifacts) and apply registry retention rules',
    )
    .addOption(new Option('--backend-store-uri <uri>', 'database URI (default sqlite:///mlflow.db)'))
    .addOption(new Option('--default-artifact-root <uri>', 'artifact root, when it is a store of its own'))
    .addOption(
      new Option(
        '--artifacts-destination <uri>',
        'where proxied artifacts are stored (default ./mlartifacts)',
      ),
    )
    .addOption(
      new Option('--older-than <duration>', 'only what was deleted at least this long ago, e.g. 30d, 1d2h'),
    )
    .addOption(
      new Option('--experiment-ids <ids>', 'comma-separated deleted experiments to remove (and only those)'),
    )
    .addOption(new Option('--run-ids <ids>', 'comma-separated deleted runs to remove (and only those)'))
    .option('--dry-run', 'print what would be removed, change nothing')
    .option('--no-retention', 'skip the registry retention rules')
    .action(async (flags) => {
      const config = serverConfig(
        {
          backendStoreUri: flags.backendStoreUri,
          defaultArtifactRoot: flags.defaultArtifactRoot,
          artifactsDestination: flags.artifactsDestination,
        },
        process.env,
      );
      const olderThanMs = flags.olderThan === undefined ? undefined : parseDuration(flags.olderThan);
      const store = await openSqlTrackingStore(config.backendStoreUri, {
        defaultArtifactRoot: config.defaultArtifactRoot,
        poolSize: 1,
      });
      const settings = { s3: config.s3 };
      const others: ArtifactRepository[] = [];
      if (storageLocationOf(config.defaultArtifactRoot)) {
        others.push(openArtifactRepository(config.defaultArtifactRoot, settings));
      }
      const locations = new ArtifactLocations(
        openArtifactRepository(config.artifactsDestination, settings),
        others,
      );
      try {
        const gc = new GcService(store.purge, store.registry, locations, Date.now, (line) =>
          console.log(line),
        );
        const report = await gc.run({
          olderThanMs,
          experimentIds: list(flags.experimentIds),
          runIds: list(flags.runIds),
          dryRun: flags.dryRun ?? false,
          retention: flags.retention,
        });
        const verb = report.dryRun ? 'Would remove' : 'Removed';
        console.log(
          `${verb} ${report.runs.length} runs, ${report.experiments.length} experiments, ${report.modelVersions.length} model versions.`,
        );
        for (const id of report.runs) console.log(`  run ${id}`);
        for (const id of report.experiments) console.log(`  experiment ${id}`);
        for (const v of report.modelVersions) console.log(`  model version ${v}`);
        if (report.abandonedUploads > 0) {
          console.log(`Removed ${report.abandonedUploads} leftovers of interrupted uploads.`);
        }
        for (const e of report.errors) console.error(`  not removed: ${e}`);
        if (report.errors.length > 0) process.exitCode = 1;
      } finally {
        await locations.close();
        await store.close();
      }
    });
}
