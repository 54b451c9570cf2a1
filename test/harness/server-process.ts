import { type ServiceProcess, startService } from '../../bench/lib/processes.js';

export type ServerProcess = ServiceProcess;

/**
 * The built server (`dist/src/main.js`) as its own process on a free port, on the database and
 * with the settings given, once `/health/ready` answers. For tests of what only a real process
 * shows: signals, kills, logs, several instances.
 */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  return startService('dist/src/main.js', { NODE_ENV: 'test', LOG_LEVEL: 'silent', RUN_MIGRATIONS: 'false', ...env });
}
