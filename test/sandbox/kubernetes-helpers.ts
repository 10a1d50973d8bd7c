import {
  ApiException,
  AppsV1Api,
  AutoscalingV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import type { StatusBody } from '../../src/sandbox/kubernetes/api-error.ts';
import { KubernetesEmulator, type KubernetesEmulatorOptions } from '../../src/sandbox/kubernetes/index.ts';

/**
 * Fast clock settings: pods are ready in 40 ms and 600 s of progress deadline are 1.2 s. Healthy rollouts make
 * progress well within that, so only rollouts made to fail ever reach it.
 */
export const FAST: KubernetesEmulatorOptions = { tickMs: 20, podReadyMs: 40, timeScale: 0.002, logLinesPerSecond: 20 };

export function startEmulator(options: KubernetesEmulatorOptions = {}): Promise<KubernetesEmulator> {
  return KubernetesEmulator.start({ ...FAST, ...options });
}

export function clientsFor(k8s: KubernetesEmulator, contexts?: string[]) {
  const kc = new KubeConfig();
  kc.loadFromString(k8s.kubeconfigYaml(contexts ? { contexts } : {}));
  return {
    kc,
    apps: kc.makeApiClient(AppsV1Api),
    core: kc.makeApiClient(CoreV1Api),
    hpaV2: kc.makeApiClient(AutoscalingV2Api),
    hpaV1: kc.makeApiClient(AutoscalingV1Api),
  };
}

/** Awaits a call expected to fail and returns the HTTP code with the parsed Status body. */
export async function failureOf(call: Promise<unknown>): Promise<{ code: number; status: StatusBody }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = error.body as unknown;
    return { code: error.code, status: (typeof body === 'string' ? JSON.parse(body) : body) as StatusBody };
  }
  throw new Error('expected the call to fail');
}

/** Polls until `check` returns a value (not undefined), for state the controller reaches over a few ticks. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A response body as JSON of the shape the test expects, for assertions on raw API answers. */
export async function bodyOf<T = unknown>(response: Response): Promise<T> {
  return (await response.json()) as T;
}
