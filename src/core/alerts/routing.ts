/** Where alerts go and which labels say what they are about; the config's `alerts` section fits it. */
export interface AlertRouting {
  channel: string;
  routes: readonly {
    service?: string | undefined;
    env?: string | undefined;
    severity?: readonly string[] | undefined;
    channel: string;
  }[];
  labels: {
    service: readonly string[];
    namespace: readonly string[];
    env: readonly string[];
    severity: readonly string[];
  };
}

/** What opsdeck knows of services, to recognise them in labels. */
export interface AlertCatalog {
  services: readonly string[];
  environments: readonly string[];
  /** Kubernetes namespace → the service deployed there (only namespaces that hold exactly one). */
  namespaces: Readonly<Record<string, string>>;
}

export interface AlertTarget {
  /** Only services and environments opsdeck knows; an alert about anything else has no buttons. */
  service?: string | undefined;
  env?: string | undefined;
  severity?: string | undefined;
}

const first = (labels: Readonly<Record<string, string>>, names: readonly string[]) =>
  names.map((n) => labels[n]?.trim()).find((v) => v);

/**
 * The service and environment an alert is about: the service label when it names a known service,
 * else the service deployed in the namespace label's namespace; the environment label when known.
 */
export function alertTarget(
  labels: Readonly<Record<string, string>>,
  routing: Pick<AlertRouting, 'labels'>,
  catalog: AlertCatalog,
): AlertTarget {
  const named = first(labels, routing.labels.service);
  const namespace = first(labels, routing.labels.namespace);
  const service =
    named && catalog.services.includes(named) ? named : namespace ? catalog.namespaces[namespace] : undefined;
  const env = first(labels, routing.labels.env);
  return {
    service,
    env: env && catalog.environments.includes(env) ? env : undefined,
    severity: first(labels, routing.labels.severity),
  };
}

/** The channel of the first route whose every field matches; the default channel when none does. */
export function alertChannel(routing: Pick<AlertRouting, 'routes' | 'channel'>, target: AlertTarget): string {
  const route = routing.routes.find(
    (r) =>
      (!r.service || r.service === target.service) &&
      (!r.env || r.env === target.env) &&
      (!r.severity || (target.severity !== undefined && r.severity.includes(target.severity))),
  );
  return route?.channel ?? routing.channel;
}
