import { migrate, openDatabase } from '@mlflow-ts/server';
import { Command, Option } from 'commander';
import { registerArtifactsCommand } from './artifacts-command.ts';
import { serverConfig } from './config.ts';
import { registerGcCommand } from './gc-command.ts';
import { registerModelsCommand } from './models-command.ts';
import { runServer } from './start-server.ts';
import { VERSION } from './version.ts';

/** The `mlflow-ts` command: the composition root. Parses flags and environment, starts things. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('mlflow-ts')
    .description('MLflow-compatible tracking server, registry and model serving for Node.js')
    .version(VERSION, '--version');

  program
    .command('server')
    .alias('ui')
    .description('Run the tracking server with the web UI')
    .addOption(new Option('--backend-store-uri <uri>', 'database URI: sqlite:///path.db or postgresql://...'))
    .addOption(new Option('--default-artifact-root <uri>', 'artifact root for new experiments'))
    .addOption(new Option('--artifacts-destination <uri>', 'where proxied artifacts are stored'))
    .option('--serve-artifacts', 'proxy artifact uploads and downloads (default)')
    .option('--no-serve-artifacts', 'hand out storage URIs; clients talk to storage directly')
    .option('--artifacts-only', 'serve only the artifact proxy (tracking endpoints answer 503)')
    .addOption(new Option('-h, --host <host>', 'address to listen on (default 127.0.0.1)'))
    .addOption(new Option('-p, --port <port>', 'port to listen on (default 5000)'))
    .addOption(new Option('-w, --workers <n>', 'number of server processes (default 1)'))
    .helpOption('--help', 'display help for command')
    .action(async (flags) => {
      const serveArtifacts = process.argv.some(
        (a) => a === '--serve-artifacts' || a === '--no-serve-artifacts',
      )
        ? flags.serveArtifacts
        : undefined;
      const config = serverConfig({ ...flags, serveArtifacts }, process.env);
      await runServer(config, (line) => console.log(line));
    });

  registerArtifactsCommand(program);
  registerModelsCommand(program);
  registerGcCommand(program);

  const db = program.command('db').description('Database maintenance');
  db.command('upgrade')
    .argument('<url>', 'database URI')
    .description("Create MLflow's schema on an empty database and apply mlflow-ts's additive indexes")
    .action(async (url: string) => {
      const dialect = openDatabase(url);
      try {
        const report = await migrate(dialect);
        console.log(
          `${report.createdMlflowSchema ? 'Created' : 'Found'} MLflow schema (alembic ${report.alembicVersion}); ` +
            `applied ${report.applied.length ? report.applied.join(', ') : 'no new migrations'}.`,
        );
      } finally {
        await dialect.close();
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    console.error(`mlflow-ts: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
