// Starts relayprobe: read the configuration (a bad value stops the start, naming the variable),
// build the app, listen; on SIGTERM/SIGINT refuse new probes, let running ones finish for the
// grace period, mark the rest interrupted, close the database cleanly, all within a bound
// (shutdown-bound.ts).
import { loadConfig } from './config.js';
import { buildApp } from './app.js';
import { armShutdownBound } from './shutdown-bound.js';

const loaded = loadConfig(process.env);
if (!loaded.ok) {
  for (const error of loaded.errors) process.stderr.write(`relayprobe: configuration error: ${error}\n`);
  process.exit(1);
}
const { config } = loaded;

let app: Awaited<ReturnType<typeof buildApp>>;
try {
  app = await buildApp(config);
} catch (error) {
  // e.g. a database written by a newer relayprobe, or a data directory we cannot write.
  process.stderr.write(`relayprobe: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down: no new probes; running ones get the grace period');
  armShutdownBound(config.shutdownGraceSeconds, app.log);
  app.close().then(
    () => process.exit(0),
    (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

try {
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info(`relayprobe is listening on ${address}${config.publicUrl ? ` (public URL ${config.publicUrl})` : ''}; data in ${config.dataDir}`);
} catch (error) {
  app.log.error({ err: error }, `cannot listen on ${config.host}:${config.port}`);
  process.exit(1);
}
