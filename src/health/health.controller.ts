import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../authz/policy.decorator.js';
import { ShutdownState } from './shutdown.js';

// Public: load balancers and orchestrators probe these without credentials; they reveal no data.
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Readiness: the database answers too, and the server is not shutting down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.shutdown.draining) {
      throw new ServiceUnavailableException({ status: 'error', error: { server: { status: 'shutting down' } } });
    }
    return this.health.check([() => this.database.pingCheck('database', { timeout: 3000 })]);
  }
}
