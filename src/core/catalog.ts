/**
 * What the core needs to know about services and environments. The config module's parsed
 * output is assignable to this; the core never imports the config module itself.
 */
export interface FreezeWindow {
  name: string;
  cron: string;
  duration: string;
  timezone?: string | undefined;
}

export interface EnvironmentInfo {
  /** Mutating commands for this environment are accepted only from these channels. */
  channels?: readonly string[] | undefined;
  approval?:
    | {
        required: number;
        from: readonly string[];
        expiresIn: string;
        /** Self-approval by a holder of `role`, after `after` without a decision, reviewed within `review`. */
        emergency?: { role: string; review: string; after: string | number } | undefined;
      }
    | undefined;
  freezes?: readonly FreezeWindow[] | undefined;
  autoRollback?: boolean | undefined;
  /** CI checks a deploy's commit needs; absent: `all` where approval is required, else `none`. */
  checks?: { required: 'all' | 'none' | readonly string[] } | undefined;
  /** A deploy here takes only a commit that finished deploying in `from` at least `bake` ago. */
  promotion?: { from: string; bake: string } | undefined;
}

export interface ServiceInfo {
  /** Environments the service runs in; all of them when absent. */
  environments?: readonly string[] | undefined;
  github?: { repo: string; defaultRef: string } | undefined;
  scale?: { min: number; max: number } | undefined;
}

export interface Catalog {
  environments: Readonly<Record<string, EnvironmentInfo>>;
  services: Readonly<Record<string, ServiceInfo>>;
  /** What alert messages offer: the Scale +N button's N. */
  alerts?: { scaleStep: number } | undefined;
}
