// Columns are named, never `*`: a statement prepared by an older replica must keep its result type when a
// newer one adds a column during a rolling upgrade.
export const AUDIT_COLUMNS = 'seq, at, actor, action, service, env, request_id, details, prev_hash, hash';
export const REQUEST_COLUMNS =
  'id, kind, service, env, requester, channel, params, hash, state, created_at, updated_at, expires_at, version, ' +
  'message_channel, message_ts, outcome, runner, heartbeat_at, lease_token, lease_expires_at, late_outcome';
export const APPROVAL_COLUMNS = 'request_id, approver, at';
export const LOCK_COLUMNS = 'service, env, owner, reason, created_at, expires_at';
export const TAIL_COLUMNS =
  'id, service, env, requester, channel, source, runner, state, started_at, until, heartbeat_at, ' +
  'message_channel, message_ts, stopped_by, ended_at, summary, lease_token, lease_expires_at';
