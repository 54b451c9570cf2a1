import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthModule } from './auth/auth.module.js';
import { CharterModule } from './charter/charter.module.js';
import { CohortsModule } from './cohorts/cohorts.module.js';
import { InsightsModule } from './insights/insights.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ExpertiseModule } from './expertise/expertise.module.js';
import { NeedsModule } from './needs/needs.module.js';
import { SpacesModule } from './spaces/spaces.module.js';
import { ThreadsModule } from './threads/threads.module.js';
import { Clock } from './common/clock.js';
import { formatError, GraphQLExceptionFilter } from './common/graphql-errors.js';
import { ConveneValidationPipe } from './common/validation.pipe.js';
import type { ConveneRequest, GraphQLContext } from './common/request-context.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { dataSourceOptions, runMigrations } from './database/data-source.js';
import { EMBEDDED_POOL_SIZE } from './database/embedded-postgres.js';
import { withoutUrlSecrets } from './common/log-redaction.js';
import { QUERY_LIMITS, queryLimits } from './common/query-limits.js';
import { RateLimitModule } from './common/rate-limit/rate-limit.module.js';
import { GRAPHQL_SCHEMA_OPTIONS } from './graphql-schema.js';
import { HealthModule } from './health/health.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SessionsModule } from './sessions/sessions.module.js';

/** The modules that make up Convene's API; the schema emitter walks the same list. */
export const DOMAIN_MODULES = [
  AuthModule,
  CohortsModule,
  CharterModule,
  SpacesModule,
  ThreadsModule,
  NeedsModule,
  SessionsModule,
  RealtimeModule,
  InsightsModule,
  NotificationsModule,
  ExpertiseModule,
  HealthModule,
];

export interface AppModuleOptions {
  config: AppConfig;
  /** Where PostgreSQL is: `config.databaseUrl`, or the embedded server started before boot. */
  databaseUrl: string;
  embedded: boolean;
  clock?: Clock;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

@Global()
@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, embedded, clock }: AppModuleOptions): DynamicModule {
    const development = config.nodeEnv !== 'production';
    const limits = queryLimits(!development);
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req, res) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
              res.setHeader('x-request-id', id);
              return id;
            },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: { req: withoutUrlSecrets },
          },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () =>
            dataSourceOptions({
              url: databaseUrl,
              poolSize: embedded ? EMBEDDED_POOL_SIZE : config.databasePoolSize,
            }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.runMigrations) await runMigrations(dataSource, { lock: !embedded });
            return dataSource;
          },
        }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          ...GRAPHQL_SCHEMA_OPTIONS,
          autoSchemaFile: true,
          path: '/graphql',
          introspection: development,
          playground: false,
          plugins: [
            // Convene sends no cache hints; the plugin would otherwise wrap every field resolver.
            ApolloServerPluginCacheControlDisabled(),
            ...limits.plugins,
            ...(development ? [ApolloServerPluginLandingPageLocalDefault({ embed: false })] : []),
          ],
          validationRules: limits.validationRules,
          parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
          allowBatchedHttpRequests: false,
          // Compact JSON: Apollo indents responses by default, which costs time and bytes.
          stringifyResult: (result) => JSON.stringify(result),
          csrfPrevention: true,
          includeStacktraceInErrorResponses: false,
          formatError,
          context: ({ req }: { req: ConveneRequest }): GraphQLContext => ({ req }),
        }),
        ScheduleModule.forRoot(),
        RateLimitModule,
        ...DOMAIN_MODULES,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock ?? new Clock() },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
        { provide: APP_PIPE, useClass: ConveneValidationPipe },
      ],
      exports: [APP_CONFIG, Clock],
    };
  }
}
