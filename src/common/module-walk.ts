import type { DynamicModule, Type } from '@nestjs/common';

type ModuleRef = Type | DynamicModule;

/** Every provider and controller class declared by these modules and the modules they import. */
export function collectClasses(modules: ModuleRef[]): { providers: Type[]; controllers: Type[] } {
  const seen = new Set<unknown>();
  const providers = new Set<Type>();
  const controllers = new Set<Type>();
  const visit = (ref: ModuleRef) => {
    if (!ref || seen.has(ref)) return;
    seen.add(ref);
    const dynamic = 'module' in ref ? ref : null;
    const moduleClass = dynamic ? dynamic.module : (ref as Type);
    const read = (key: string): unknown[] => [
      ...((Reflect.getMetadata(key, moduleClass) as unknown[] | undefined) ?? []),
      ...(((dynamic as Record<string, unknown> | null)?.[key] as unknown[] | undefined) ?? []),
    ];
    for (const provider of read('providers')) {
      if (typeof provider === 'function') providers.add(provider as Type);
      else if (provider && typeof provider === 'object' && 'useClass' in provider)
        providers.add(provider.useClass as Type);
    }
    for (const controller of read('controllers')) controllers.add(controller as Type);
    for (const imported of read('imports')) visit(imported as ModuleRef);
  };
  modules.forEach(visit);
  return { providers: [...providers], controllers: [...controllers] };
}

/** Classes decorated with @Resolver. */
export function resolverClasses(modules: ModuleRef[]): Type[] {
  return collectClasses(modules).providers.filter((provider) => Reflect.hasMetadata('graphql:resolver_name', provider));
}
