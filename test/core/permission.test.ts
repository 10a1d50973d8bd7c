import { verbs } from '../../commands/index.ts';
import { describe, expect, it } from 'vitest';
import {
  formatPermission,
  grantCovers,
  grantMentionsVerb,
  parseGrant,
  type Permission,
} from '../../src/core/permission.ts';

describe('parseGrant', () => {
  it.each<[string, { verb: string; service: string; env: string } | undefined]>([
    ['deploy', { verb: 'deploy', service: '*', env: '*' }],
    ['deploy:api', { verb: 'deploy', service: 'api', env: '*' }],
    ['deploy:api:prod', { verb: 'deploy', service: 'api', env: 'prod' }],
    ['deploy:*:prod', { verb: 'deploy', service: '*', env: 'prod' }],
    ['*', { verb: '*', service: '*', env: '*' }],
    ['*:api', { verb: '*', service: 'api', env: '*' }],
    ['logs:Billing-API:eu_west.1', { verb: 'logs', service: 'Billing-API', env: 'eu_west.1' }],
    ['', undefined],
    ['Deploy', undefined], // verbs are lower case
    ['deploy:', undefined],
    ['deploy::prod', undefined],
    ['deploy:api:prod:extra', undefined],
    ['deploy:a pi', undefined],
    [' deploy', undefined],
    ['deploy:api*', undefined], // `*` is a whole segment, not a glob
  ])('%j', (text, expected) => {
    expect(parseGrant(text)).toEqual(expected);
  });
});

describe('formatPermission', () => {
  it.each<[Permission, string]>([
    [{ verb: 'runbook' }, 'runbook'],
    [{ verb: 'deploy', service: 'api' }, 'deploy:api'],
    [{ verb: 'deploy', service: 'api', env: 'prod' }, 'deploy:api:prod'],
    [{ verb: 'deploy', env: 'prod' }, 'deploy:*:prod'],
    [{ verb: 'deploy', service: undefined, env: undefined }, 'deploy'],
  ])('%j → %s', (need, text) => {
    expect(formatPermission(need)).toBe(text);
  });
});

describe('grantCovers', () => {
  const need = (verb: string, service?: string, env?: string): Permission => ({ verb, service, env });

  it.each<[string, Permission, boolean]>([
    // A bare verb is every service and environment.
    ['runbook', need('runbook'), true],
    ['runbook', need('runbook', 'api'), true],
    ['runbook', need('runbook', 'api', 'prod'), true],
    ['runbook', need('logs', 'api', 'prod'), false],
    // `*` per segment.
    ['*', need('breakglass', 'api', 'prod'), true],
    ['*', need('status'), true],
    ['*:api', need('scale', 'api', 'prod'), true],
    ['*:api', need('scale', 'web', 'prod'), false],
    ['deploy:*:*', need('deploy', 'web', 'prod'), true],
    ['deploy:*:staging', need('deploy', 'web', 'staging'), true],
    ['deploy:*:staging', need('deploy', 'web', 'prod'), false],
    ['deploy:api:*', need('deploy', 'api', 'prod'), true],
    ['deploy:api:*', need('deploy', 'web', 'prod'), false],
    ['deploy:api', need('deploy', 'api', 'prod'), true],
    ['deploy:api:prod', need('deploy', 'api', 'prod'), true],
    ['deploy:api:prod', need('deploy', 'api', 'staging'), false],
    ['deploy:api:prod', need('rollback', 'api', 'prod'), false],
    // Matching is exact, including case.
    ['deploy:api:prod', need('deploy', 'API', 'prod'), false],
    ['deploy:api:prod', need('deploy', 'api', 'production'), false],
    // A need without a segment means "all of them": only `*` covers it.
    ['deploy:api:prod', need('deploy', 'api'), false],
    ['deploy:api:prod', need('deploy'), false],
    ['deploy:api', need('deploy'), false],
    ['deploy:*:prod', need('deploy', 'api'), false],
    ['deploy:api:*', need('deploy', 'api'), true],
    ['deploy:*:*', need('deploy'), true],
    ['deploy:*:*', need('deploy', undefined, 'prod'), true],
    ['deploy:api:*', need('deploy', undefined, 'prod'), false],
    // A malformed grant covers nothing.
    ['Deploy:api:prod', need('deploy', 'api', 'prod'), false],
    ['deploy::prod', need('deploy', 'api', 'prod'), false],
    ['', need('deploy', 'api', 'prod'), false],
  ])('%s covers %j: %s', (grant, wanted, covers) => {
    expect(grantCovers(grant, wanted)).toBe(covers);
  });
});

describe('grantMentionsVerb', () => {
  it.each<[string, string, boolean]>([
    ['*', 'breakglass', true],
    ['*:api:prod', 'deploy', true],
    ['rollback:*:staging', 'rollback', true],
    ['rollback:api:staging', 'rollback', true],
    ['runbook', 'runbook', true],
    ['rollback:*:staging', 'deploy', false],
    ['logs', 'log', false],
    ['not a grant', 'deploy', false],
  ])('%s mentions %s: %s', (grant, verb, mentions) => {
    expect(grantMentionsVerb(grant, verb)).toBe(mentions);
  });

  it('every verb is a valid grant on its own', () => {
    for (const verb of verbs) expect(parseGrant(verb)).toEqual({ verb, service: '*', env: '*' });
  });
});
