import { z } from 'zod';
import type { Deployer } from '../ports/backends.ts';
import type { DeployDriver, DriverContext, Requirement, Section } from './driver.ts';
import { githubDeploymentDriver } from './github-deployment/index.ts';
import { githubWorkflowDriver } from './github-workflow/index.ts';
import { gitopsDriver } from './gitops/index.ts';
import { kubernetesDriver } from './kubernetes/index.ts';

export type { DriverContext } from './driver.ts';

/**
 * Every deploy driver. The config schema, its JSON Schema, config check and compose know drivers only
 * through this list (test/architecture.test.ts holds that), so a new driver is its folder and a line here.
 */
export const deployDrivers = [kubernetesDriver, githubDeploymentDriver, githubWorkflowDriver, gitopsDriver] as const;

type SchemasOf<T> = { -readonly [K in keyof T]: T[K] extends { configSchema: infer S } ? S : never };

/** The drivers' schemas as a tuple, so the union's type keeps each driver's own block. */
function schemasOf<T extends readonly DeployDriver[]>(drivers: T): SchemasOf<T> {
  return drivers.map((d) => d.configSchema) as SchemasOf<T>;
}

/** `services.<name>.deploy`: the block of one driver, told apart by `via`. */
export const deployConfigSchema = z.discriminatedUnion('via', schemasOf(deployDrivers));

export type DeployConfig = z.output<typeof deployConfigSchema>;

const byVia = new Map<string, DeployDriver>(deployDrivers.map((d) => [d.via, d]));

function driverFor(via: string): DeployDriver {
  const driver = byVia.get(via);
  if (!driver) throw new Error(`no deploy driver "${via}"; known: ${[...byVia.keys()].join(', ')}`);
  return driver;
}

/** The sections of the service its `deploy` block needs. */
export function deployRequirements(deploy: { via: string }): readonly Requirement[] {
  return driverFor(deploy.via).requires.filter((r) => r.when?.(deploy) ?? true);
}

/** What the driver finds wrong with its block given the rest of the file; paths under `deploy`. */
export function deployChecks(
  deploy: DeployConfig,
  names: { environments: readonly string[] },
): { path: string; message: string }[] {
  return driverFor(deploy.via).check?.(deploy, names) ?? [];
}

/** The service's Deployer, or undefined when a section its driver requires is missing (config check says which). */
export async function createDeployer(deploy: DeployConfig, ctx: DriverContext): Promise<Deployer | undefined> {
  const driver = driverFor(deploy.via);
  if (deployRequirements(deploy).some((r) => !ctx.service[r.section])) return undefined;
  // Every section this driver requires is present; the list's common type cannot say which ones those are.
  return driver.create(deploy, ctx as DriverContext<Section>);
}
