import 'reflect-metadata';
import { createApp } from './app.js';
import { type AppConfig, ConfigError, loadConfig } from './config/config.js';
import { ShutdownState } from './health/shutdown.js';
import { RealtimeHub } from './realtime/realtime-hub.service.js';

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line naming the variable, and a non-zero exit: nothing starts on a bad configuration.
    console.error(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const running = await createApp(config);
  const { app } = running;
  // Graceful stop: readiness turns false at once; after SHUTDOWN_DELAY (time for the load
  // balancer to notice) in-flight requests finish, sockets are told to reconnect, the outbox is
  // published and connections close. Past SHUTDOWN_TIMEOUT the process exits anyway.
  const stop = () => {
    app.get(ShutdownState).draining = true;
    const deadline = setTimeout(() => {
      console.error(`Convene did not stop within ${config.shutdownTimeoutSeconds} s; exiting`);
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    deadline.unref();
    setTimeout(() => {
      // Sockets first: the HTTP server's closing would cut them without the notice.
      app
        .get(RealtimeHub)
        .closeSockets()
        .then(() => running.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
    }, config.shutdownDelaySeconds * 1000);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await app.listen(config.port, '0.0.0.0');
  const where = config.databaseUrl ? 'PostgreSQL' : `the embedded database in ${config.dataDir}`;
  console.log(`Convene is listening on http://localhost:${config.port}/graphql (data in ${where})`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
