import { Cron } from 'croner';
import { didYouMean } from '../core/did-you-mean.ts';
import { parseDuration } from '../core/duration.ts';
import { verbs } from '../../commands/index.ts';
import { parseGrant } from '../core/permission.ts';
import { deployRequirements } from '../drivers/index.ts';
import type { Problem } from './problems.ts';
import type { OpsdeckConfig } from './schema.ts';

/** The names each section defines. */
export interface SectionNames {
  environments: string[];
  services: string[];
  roles: string[];
}

/**
 * Checks that need the whole file: references between sections and values that must agree. `names`
 * are the names the file defines, given separately when `config` is what is left after removing what
 * the schema rejected: a service dropped for a bad value still exists as far as references go.
 */
export function crossCheck(config: OpsdeckConfig, names?: SectionNames): Problem[] {
  const problems: Problem[] = [];
  const envs = names?.environments ?? Object.keys(config.environments);
  const services = names?.services ?? Object.keys(config.services);
  const roles = names?.roles ?? Object.keys(config.roles);
  const unknown = (kind: string, value: string, known: string[]) => {
    const guess = didYouMean(value, known);
    const hint = guess ? ` (did you mean "${guess}"?)` : known.length ? ` (known: ${known.join(', ')})` : '';
    return `unknown ${kind} "${value}"${hint}`;
  };

  for (const [envName, env] of Object.entries(config.environments)) {
    env.approval?.from.forEach((role, i) => {
      if (!roles.includes(role))
        problems.push({ path: `environments.${envName}.approval.from[${i}]`, message: unknown('role', role, roles) });
    });
    const emergencyRole = env.approval?.emergency?.role;
    if (emergencyRole !== undefined && !roles.includes(emergencyRole)) {
      const path = `environments.${envName}.approval.emergency.role`;
      problems.push({ path, message: unknown('role', emergencyRole, roles) });
    }
    const from = env.promotion?.from;
    if (from !== undefined && !envs.includes(from)) {
      problems.push({ path: `environments.${envName}.promotion.from`, message: unknown('environment', from, envs) });
    }
    env.freezes.forEach((freeze, i) => {
      const path = `environments.${envName}.freezes[${i}]`;
      try {
        new Cron(freeze.cron, { timezone: freeze.timezone, paused: true });
      } catch (err) {
        const field = freeze.timezone && /time ?zone/i.test(String(err)) ? 'timezone' : 'cron';
        problems.push({ path: `${path}.${field}`, message: `invalid ${field}: ${(err as Error).message}` });
      }
    });
  }

  problems.push(...promotionCycles(config));

  const contextOwners = new Map<string, string>();
  for (const [envName, env] of Object.entries(config.environments)) {
    const k8s = env.kubernetes;
    const path = `environments.${envName}.kubernetes`;
    if (k8s?.context && k8s.inCluster) problems.push({ path, message: 'set either context or inCluster, not both' });
    if (k8s?.context) {
      const other = contextOwners.get(k8s.context);
      if (other) {
        const fix = 'each environment needs its own cluster or context';
        problems.push({ path: `${path}.context`, message: `"${k8s.context}" is also the context of ${other}: ${fix}` });
      }
      contextOwners.set(k8s.context, envName);
    }
    const users = Object.entries(config.services)
      .filter(([, svc]) => svc.kubernetes && (!svc.environments || svc.environments.includes(envName)))
      .map(([name]) => name);
    if (users.length && !k8s?.context && !k8s?.inCluster) {
      problems.push({
        path: `${path}.context`,
        message:
          `required: ${users.join(', ')} run${users.length === 1 ? 's' : ''} on Kubernetes in ${envName} ` +
          '(or set inCluster: true)',
      });
    }
  }

  for (const [name, svc] of Object.entries(config.services)) {
    const path = `services.${name}`;
    svc.environments?.forEach((env, i) => {
      if (!envs.includes(env))
        problems.push({ path: `${path}.environments[${i}]`, message: unknown('environment', env, envs) });
    });
    const via = svc.deploy?.via;
    for (const need of via ? deployRequirements(via) : []) {
      if (svc[need.section]) continue;
      const what = need.what ? ` (${need.what})` : '';
      problems.push({ path: `${path}.${need.path}`, message: `required when deploy.via is ${via}${what}` });
    }
    if (svc.logs && 'kubernetes' in svc.logs && !svc.kubernetes) {
      problems.push({
        path: `${path}.kubernetes`,
        message: 'required for kubernetes logs (the namespace to read pods from)',
      });
    }
    if (svc.scale && !svc.kubernetes) {
      problems.push({ path: `${path}.kubernetes`, message: 'required for scale (the deployment to scale)' });
    }
    if (svc.scale && svc.scale.min > svc.scale.max) {
      problems.push({
        path: `${path}.scale.min`,
        message: `must not exceed scale.max (${svc.scale.min} > ${svc.scale.max})`,
      });
    }
  }

  config.logs?.redact.forEach((rule, i) => {
    try {
      new RegExp(rule.pattern, 'g');
    } catch (err) {
      problems.push({
        path: `logs.redact[${i}].pattern`,
        message: `not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });
  if (config.logs && (parseDuration(config.logs.defaultFollow) ?? 0) > (parseDuration(config.logs.maxFollow) ?? 0)) {
    problems.push({ path: 'logs.defaultFollow', message: `must not exceed logs.maxFollow (${config.logs.maxFollow})` });
  }

  config.alerts?.routes.forEach((route, i) => {
    if (route.service && !services.includes(route.service))
      problems.push({ path: `alerts.routes[${i}].service`, message: unknown('service', route.service, services) });
    if (route.env && !envs.includes(route.env))
      problems.push({ path: `alerts.routes[${i}].env`, message: unknown('environment', route.env, envs) });
  });

  for (const [roleName, role] of Object.entries(config.roles)) {
    role.allow.forEach((text, i) => {
      const grant = parseGrant(text);
      if (!grant) return;
      const path = `roles.${roleName}.allow[${i}]`;
      if (grant.verb !== '*' && !verbs.includes(grant.verb)) {
        problems.push({ path, message: unknown('permission verb', grant.verb, [...verbs]) });
      } else if (grant.service !== '*' && !services.includes(grant.service)) {
        problems.push({ path, message: unknown('service', grant.service, services) });
      } else if (grant.env !== '*' && !envs.includes(grant.env)) {
        problems.push({ path, message: unknown('environment', grant.env, envs) });
      }
    });
  }
  return problems;
}

/** Promotion chains must end: staging ← prod ← staging would refuse every deploy to both. */
function promotionCycles(config: OpsdeckConfig): Problem[] {
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const start of Object.keys(config.environments)) {
    const path: string[] = [];
    for (let env: string | undefined = start; env !== undefined; env = config.environments[env]?.promotion?.from) {
      const seen = path.indexOf(env);
      if (seen >= 0) {
        const cycle = path.slice(seen);
        const key = [...cycle].sort().join(' ');
        if (!reported.has(key)) {
          reported.add(key);
          const first = cycle[0] ?? env;
          problems.push({
            path: `environments.${first}.promotion.from`,
            message: `promotion goes round in a circle (${[...cycle, env].join(' ← ')}): no deploy could ever pass`,
          });
        }
        break;
      }
      path.push(env);
    }
  }
  return problems;
}
