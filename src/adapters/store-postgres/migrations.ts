import { GENESIS_HASH } from '../../core/audit-chain.ts';

export interface Migration {
  version: number;
  name: string;
  /** Runs with search_path set to the store's schema, in one transaction with its record. */
  sql: string;
}

/**
 * Versioned, append-only: never edit a shipped migration, add the next one. Times are timestamptz,
 * except the audit log's `at`, kept as the exact text that was hashed. JSON is kept as text: jsonb
 * would refuse a \u0000 in a value and reorder what was written.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit with its chain head, requests, approvals, locks, tails, deliveries',
    sql: `
      CREATE TABLE audit (
        seq bigint PRIMARY KEY,
        at text NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        service text,
        env text,
        request_id text NOT NULL,
        details text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_target ON audit (service, env, seq);
      CREATE INDEX audit_actor ON audit (actor, seq);
      CREATE INDEX audit_at ON audit (at);

      -- The newest entry, one row: appends lock it, so writers on every replica take turns. It also
      -- remembers the head when the newest entries are deleted: the next append leaves a visible gap.
      CREATE TABLE audit_head (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        seq bigint NOT NULL,
        hash text NOT NULL
      );
      INSERT INTO audit_head (seq, hash) VALUES (0, '${GENESIS_HASH}');

      CREATE TABLE requests (
        id text COLLATE "C" PRIMARY KEY,
        kind text NOT NULL,
        service text COLLATE "C" NOT NULL,
        env text COLLATE "C" NOT NULL,
        requester text NOT NULL,
        channel text NOT NULL,
        params text NOT NULL,
        hash text NOT NULL,
        state text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        expires_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        message_channel text,
        message_ts text,
        outcome text,
        runner text,
        heartbeat_at timestamptz
      );
      CREATE INDEX requests_state ON requests (state, service, env);
      CREATE INDEX requests_target ON requests (service, env, created_at);
      CREATE UNIQUE INDEX requests_one_running ON requests (service, env) WHERE state = 'running';

      CREATE TABLE approvals (
        request_id text COLLATE "C" NOT NULL REFERENCES requests (id),
        approver text COLLATE "C" NOT NULL,
        at timestamptz NOT NULL,
        PRIMARY KEY (request_id, approver)
      );

      CREATE TABLE locks (
        service text COLLATE "C" NOT NULL,
        env text COLLATE "C" NOT NULL,
        owner text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        PRIMARY KEY (service, env)
      );

      CREATE TABLE tails (
        id text COLLATE "C" PRIMARY KEY,
        service text NOT NULL,
        env text NOT NULL,
        requester text NOT NULL,
        channel text NOT NULL,
        source text NOT NULL,
        runner text NOT NULL,
        state text NOT NULL,
        started_at timestamptz NOT NULL,
        until timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL,
        message_channel text,
        message_ts text,
        stopped_by text,
        ended_at timestamptz,
        summary text
      );
      CREATE INDEX tails_state ON tails (state);

      CREATE TABLE deliveries (
        key text PRIMARY KEY,
        at timestamptz NOT NULL
      );
      CREATE INDEX deliveries_at ON deliveries (at);
    `,
  },
  {
    version: 2,
    name: 'leases with fencing tokens for runs, tails and singletons',
    // Runs and tails held then were kept alive by heartbeats stamped by each replica's clock, and were
    // taken for dead a minute after the last one: their first leases run out at that same moment. From
    // here on, every lease is measured by this server's clock_timestamp().
    sql: `
      ALTER TABLE requests ADD COLUMN lease_token bigint, ADD COLUMN lease_expires_at timestamptz,
        ADD COLUMN late_outcome text, ADD COLUMN changed_at timestamptz;
      UPDATE requests SET lease_token = 1, lease_expires_at = COALESCE(heartbeat_at, updated_at) + interval '60 seconds'
      WHERE state = 'running';
      ALTER TABLE tails ADD COLUMN lease_token bigint NOT NULL DEFAULT 1, ADD COLUMN lease_expires_at timestamptz;
      UPDATE tails SET lease_expires_at = heartbeat_at + interval '60 seconds';
      ALTER TABLE tails ALTER COLUMN lease_expires_at SET NOT NULL;
      CREATE TABLE leases (
        name text COLLATE "C" PRIMARY KEY,
        holder text,
        token bigint NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'alert groups and their messages',
    // One firing row per key is the rule replicas agree on: a partial unique index, so the same group
    // delivered to two replicas (or twice to one) posts one message.
    sql: `
      CREATE TABLE alert_groups (
        id text COLLATE "C" PRIMARY KEY,
        kind text NOT NULL,
        key text COLLATE "C" NOT NULL,
        channel text NOT NULL,
        service text,
        env text,
        content text NOT NULL,
        summary_id text,
        status text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        resolved_at timestamptz,
        version bigint NOT NULL DEFAULT 1,
        message_channel text,
        message_ts text
      );
      CREATE UNIQUE INDEX alert_groups_one_firing ON alert_groups (key) WHERE status = 'firing';
      CREATE INDEX alert_groups_key ON alert_groups (key, created_at);
      CREATE INDEX alert_groups_channel ON alert_groups (channel, created_at);
      CREATE INDEX alert_groups_summary ON alert_groups (summary_id);
    `,
  },
  {
    version: 4,
    name: 'reviews of emergency self-approvals, and approval reminders',
    // One review per request and one reminder per request: unique keys, so replicas racing agree.
    sql: `
      CREATE TABLE reviews (
        id text COLLATE "C" PRIMARY KEY,
        request_id text COLLATE "C" NOT NULL UNIQUE,
        kind text NOT NULL,
        service text NOT NULL,
        env text NOT NULL,
        requester text NOT NULL,
        reason text NOT NULL,
        message_channel text,
        message_ts text,
        opened_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        acknowledged_by text,
        acknowledged_at timestamptz,
        overdue_at timestamptz
      );
      CREATE INDEX reviews_open ON reviews (due_at) WHERE acknowledged_by IS NULL;
      CREATE TABLE reminders (
        request_id text COLLATE "C" PRIMARY KEY,
        at timestamptz NOT NULL
      );
    `,
  },
];
