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
];
