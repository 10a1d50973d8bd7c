/** Versioned, append-only: never edit a shipped migration, add the next one. */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'audit, requests, approvals, locks',
    sql: `
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        service TEXT,
        env TEXT,
        request_id TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE INDEX audit_target ON audit (service, env, seq);
      CREATE INDEX audit_actor ON audit (actor, seq);
      CREATE INDEX audit_at ON audit (at);

      CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        service TEXT NOT NULL,
        env TEXT NOT NULL,
        requester TEXT NOT NULL,
        channel TEXT NOT NULL,
        params TEXT NOT NULL,
        hash TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        expires_at TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        message_channel TEXT,
        message_ts TEXT,
        outcome TEXT
      );
      CREATE INDEX requests_state ON requests (state, service, env);

      CREATE TABLE approvals (
        request_id TEXT NOT NULL REFERENCES requests (id),
        approver TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (request_id, approver)
      );

      CREATE TABLE locks (
        service TEXT NOT NULL,
        env TEXT NOT NULL,
        owner TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        PRIMARY KEY (service, env)
      );
    `,
  },
  {
    version: 2,
    name: 'request runner heartbeat',
    sql: `
      ALTER TABLE requests ADD COLUMN runner TEXT;
      ALTER TABLE requests ADD COLUMN heartbeat_at TEXT;
    `,
  },
  {
    version: 3,
    name: 'slack deliveries seen',
    sql: `
      CREATE TABLE deliveries (
        key TEXT PRIMARY KEY,
        at TEXT NOT NULL
      );
      CREATE INDEX deliveries_at ON deliveries (at);
    `,
  },
  {
    version: 4,
    name: 'tails, a session type of their own',
    // Tails used to be requests of kind `tail`. A tail running during the upgrade cannot be resumed by
    // the new code, so it is closed as interrupted, like one whose replica died.
    sql: `
      CREATE TABLE tails (
        id TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        env TEXT NOT NULL,
        requester TEXT NOT NULL,
        channel TEXT NOT NULL,
        source TEXT NOT NULL,
        runner TEXT NOT NULL,
        state TEXT NOT NULL,
        started_at TEXT NOT NULL,
        until TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        message_channel TEXT,
        message_ts TEXT,
        stopped_by TEXT,
        ended_at TEXT,
        summary TEXT
      );
      CREATE INDEX tails_state ON tails (state);
      INSERT INTO tails (id, service, env, requester, channel, source, runner, state, started_at, until, heartbeat_at,
                         message_channel, message_ts, stopped_by, ended_at, summary)
        SELECT id, service, env, requester, channel, '', COALESCE(runner, ''),
               CASE state WHEN 'succeeded' THEN 'ended' WHEN 'failed' THEN 'failed' WHEN 'cancelled' THEN 'stopped'
                          ELSE 'interrupted' END,
               created_at, updated_at, COALESCE(heartbeat_at, updated_at), message_channel, message_ts,
               json_extract(outcome, '$.by'),
               updated_at, json_extract(outcome, '$.summary')
        FROM requests WHERE kind = 'tail';
      DELETE FROM requests WHERE kind = 'tail';
      CREATE INDEX requests_target ON requests (service, env, created_at);
    `,
  },
  {
    version: 5,
    name: 'one running change per service and environment',
    // The rule used to be checked by comparing times stamped by each replica's clock. A store that
    // already holds two running changes of one target (a process died between the two checks) keeps
    // the one that was executing, or entered running first, and ends the others as failed: the index
    // cannot exist otherwise, and whoever runs them is long gone.
    sql: `
      UPDATE requests SET state = 'failed', version = version + 1,
        outcome = json_object('summary', 'Interrupted: another change of this service and environment was ' ||
          'running at the same time, so this one may not have started or may be partly applied.')
      WHERE state = 'running' AND EXISTS (
        SELECT 1 FROM requests AS kept
        WHERE kept.state = 'running' AND kept.service = requests.service AND kept.env = requests.env
          AND kept.id <> requests.id
          AND ((kept.runner IS NOT NULL) > (requests.runner IS NOT NULL)
            OR ((kept.runner IS NOT NULL) = (requests.runner IS NOT NULL)
              AND (kept.updated_at < requests.updated_at
                OR (kept.updated_at = requests.updated_at AND kept.id < requests.id)))));
      CREATE UNIQUE INDEX requests_one_running ON requests (service, env) WHERE state = 'running';
    `,
  },
  {
    version: 6,
    name: 'leases with fencing tokens for runs, tails and singletons',
    // Runs and tails held then were kept alive by heartbeats stamped by each process's clock, and were
    // taken for dead a minute after the last one: their first leases run out at that same moment.
    sql: `
      ALTER TABLE requests ADD COLUMN lease_token INTEGER;
      ALTER TABLE requests ADD COLUMN lease_expires_at TEXT;
      ALTER TABLE requests ADD COLUMN late_outcome TEXT;
      ALTER TABLE requests ADD COLUMN changed_at TEXT;
      UPDATE requests SET lease_token = 1,
        lease_expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', COALESCE(heartbeat_at, updated_at), '+60 seconds')
      WHERE state = 'running';
      ALTER TABLE tails ADD COLUMN lease_token INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE tails ADD COLUMN lease_expires_at TEXT;
      UPDATE tails SET lease_expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', heartbeat_at, '+60 seconds');
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT,
        token INTEGER NOT NULL,
        expires_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'alert groups and their messages',
    // One firing row per key is the rule replicas agree on: a partial unique index, so the same group
    // delivered to two replicas (or twice to one) posts one message.
    sql: `
      CREATE TABLE alert_groups (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        channel TEXT NOT NULL,
        service TEXT,
        env TEXT,
        content TEXT NOT NULL,
        summary_id TEXT,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        resolved_at TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        message_channel TEXT,
        message_ts TEXT
      );
      CREATE UNIQUE INDEX alert_groups_one_firing ON alert_groups (key) WHERE status = 'firing';
      CREATE INDEX alert_groups_key ON alert_groups (key, created_at);
      CREATE INDEX alert_groups_channel ON alert_groups (channel, created_at);
      CREATE INDEX alert_groups_summary ON alert_groups (summary_id);
    `,
  },
  {
    version: 8,
    name: 'reviews of emergency self-approvals, and approval reminders',
    // One review per request and one reminder per request: unique keys, so replicas racing agree.
    sql: `
      CREATE TABLE reviews (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        service TEXT NOT NULL,
        env TEXT NOT NULL,
        requester TEXT NOT NULL,
        reason TEXT NOT NULL,
        message_channel TEXT,
        message_ts TEXT,
        opened_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        acknowledged_by TEXT,
        acknowledged_at TEXT,
        overdue_at TEXT
      );
      CREATE INDEX reviews_open ON reviews (due_at) WHERE acknowledged_by IS NULL;
      CREATE TABLE reminders (
        request_id TEXT PRIMARY KEY,
        at TEXT NOT NULL
      );
    `,
  },
];
