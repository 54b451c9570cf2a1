import 'reflect-metadata';
import { DOMAIN_MODULES } from '../app.module.js';
import { collectClasses } from '../common/module-walk.js';
import { POLICY_KEY } from './policy.decorator.js';

const OPERATION_KINDS = ['Query', 'Mutation', 'Subscription'];

function handlers(target: Function, isHandler: (method: Function) => boolean): string[] {
  const prototype = target.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).filter((name) => {
    const method = prototype[name];
    return name !== 'constructor' && typeof method === 'function' && isHandler(method);
  });
}

const declares = (target: Function, method: string): boolean =>
  Reflect.hasMetadata(POLICY_KEY, (target.prototype as Record<string, object>)[method]) ||
  Reflect.hasMetadata(POLICY_KEY, target);

describe('every operation declares its policy', () => {
  const { providers, controllers } = collectClasses(DOMAIN_MODULES);
  const operations = providers.flatMap((resolver) =>
    handlers(resolver, (method) =>
      OPERATION_KINDS.includes(Reflect.getMetadata('graphql:resolver_type', method) as string),
    ).map((method) => [resolver, method] as const),
  );
  const routes = controllers.flatMap((controller) =>
    handlers(controller, (method) => Reflect.hasMetadata('path', method)).map(
      (method) => [controller, method] as const,
    ),
  );

  it('finds the operations to check', () => {
    expect(operations.map(([target, method]) => `${target.name}.${method}`)).toEqual(
      expect.arrayContaining(['AuthResolver.login', 'AuthResolver.me']),
    );
    expect(routes.length).toBeGreaterThan(0);
  });

  it('has a policy on every GraphQL operation and HTTP route', () => {
    const missing = [...operations, ...routes]
      .filter(([target, method]) => !declares(target, method))
      .map(([target, method]) => `${target.name}.${method}`);
    expect(missing).toEqual([]);
  });
});
