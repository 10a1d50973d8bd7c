import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { editManifest } from '../../src/sandbox/sandbox-controls.ts';
import type { StoredMessage } from '../../src/sandbox/slack/index.ts';
import { type Backends, GITHUB_TOKEN, startBackends } from '../helpers/backends.ts';
import { GITOPS, interpose, overlay, startGitOps } from '../helpers/gitops.ts';
import { type Harness, startHarness, teamConfigText, textOf } from '../helpers/harness.ts';
import { click, hasButtons, newRequest, requestIdOf, settled } from '../helpers/requests.ts';
import { octokitFor } from '../sandbox/github-harness.ts';

// billing deploys through the gitops driver: a commit to acme/deploy-manifests that Argo CD applies.
// prod runs v2.3.1 (v2.3.0 before it); v2.4.0 is released and its CI passed.
let world: Backends;
let gitops: Awaited<ReturnType<typeof startGitOps>>;
let h: Harness;
const closers: (() => Promise<void>)[] = [];

async function start(options: { configText?: string; githubUrl?: string } = {}) {
  const configText = options.configText ?? (await teamConfigText());
  const github = options.githubUrl ? ({ url: options.githubUrl } as Backends['github']) : world.github;
  h = await startHarness({ backends: { ...world, github }, configText, env: gitops.env });
}

beforeEach(async () => {
  world = await startBackends();
  gitops = await startGitOps(world);
});
afterEach(async () => {
  await h?.stop();
  await Promise.all(closers.splice(0).map((close) => close()));
  await gitops?.close();
  await world?.close();
});

const [owner = '', repo = ''] = GITOPS.repo.split('/');
const imageOf = (env: 'staging' | 'prod') =>
  world.clusters[env].getDeployment(GITOPS.namespace, GITOPS.deployment)?.spec.template.spec.containers[0]?.image;

async function headCommit() {
  const octokit = octokitFor(world.github, GITHUB_TOKEN);
  const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref: GITOPS.branch });
  return { sha: data.sha, message: data.commit.message, parents: data.parents.map((p) => p.sha) };
}

/** Asks for a prod deploy of billing as alice and has bob approve it; resolves with the request message. */
async function approvedDeploy(ref = 'v2.4.0'): Promise<StoredMessage> {
  const msg = await newRequest(h, 'U0ALICE', '/deploy', `billing prod ${ref}`, 'Deploy billing to prod');
  const pending = await h.slack.waitFor(() => {
    const now = h.slack.messages({ channel: 'C0DEPLOYS' }).find((m) => m.ts === msg.ts);
    return now && hasButtons(now) ? now : undefined;
  });
  expect(await click(h, 'U0BOB', pending, 'approve')).toBe(200);
  return pending;
}

const thread = (msg: StoredMessage) =>
  h.slack
    .messages({ channel: 'C0DEPLOYS', threadTs: msg.ts })
    .map((m) => m.text)
    .join('\n');

describe('GitOps deploys through Slack', () => {
  it('commits only the tag with the request in the message, and reports healthy once Argo CD synced', async () => {
    await start();
    const before = overlay(world.github);
    const headBefore = (await headCommit()).sha;
    const msg = await approvedDeploy();
    const done = await settled(h, msg, 30_000);
    expect(done.text).toContain(':white_check_mark:');

    const after = overlay(world.github);
    expect(after).toBe(
      before.replace('newTag: v2.3.1 # the version running in prod', 'newTag: v2.4.0 # the version running in prod'),
    );
    expect(after).toContain('# opsdeck changes only newTag below');
    const head = await headCommit();
    expect(head.parents).toEqual([headBefore]);
    const sha = world.github.shaOf('acme/billing', 'v2.4.0');
    expect(head.message).toContain(`Deploy billing to v2.4.0 (${sha.slice(0, 7)}) in prod`);
    for (const line of [
      'Service: billing',
      'Environment: prod',
      'Ref: v2.4.0',
      `Commit: ${sha}`,
      `Image tag: v2.3.1 -> v2.4.0 in ${GITOPS.files.prod}`,
      'Requested-by: U0ALICE',
      'Approved-by: U0BOB',
      `Opsdeck-Request: ${requestIdOf(done)}`,
    ]) {
      expect(head.message).toContain(line);
    }

    expect(imageOf('prod')).toBe('ghcr.io/acme/billing:v2.4.0');
    expect(gitops.argocd.application('billing-prod')).toMatchObject({
      status: { sync: { status: 'Synced', revision: head.sha }, health: { status: 'Healthy' } },
    });
    const report = await h.slack.waitFor(() => (thread(msg).includes('<@U0ALICE> done') ? thread(msg) : undefined));
    expect(report).toContain(
      `billing in prod runs v2.4.0 (commit ${head.sha.slice(0, 7)}): Argo CD billing-prod is Synced and Healthy`,
    );

    const status = textOf(await h.run('U0ALICE', '/ops', 'status billing prod'));
    expect(status).toContain(`*Version:* v2.4.0 in ${GITOPS.repo}/${GITOPS.files.prod}, the head of main`);
    expect(status).toContain(
      `*Manifests:* <${world.github.webUrl}/${GITOPS.repo}/commit/${head.sha}|${head.sha.slice(0, 7)} on main`,
    );
    expect(status).toContain('*Argo CD billing-prod:* <');
    expect(status).toContain('|Synced, Healthy>');
  });

  it('reverts a rollout Argo CD reports Degraded with a new commit, and says so in the thread', async () => {
    await start();
    world.clusters.prod.failNextRollout(GITOPS.namespace, GITOPS.deployment);
    const before = overlay(world.github);
    const msg = await approvedDeploy();
    const done = await settled(h, msg, 40_000);
    expect(done.text).toContain(':x:');
    expect(done.text).toContain('Argo CD billing-prod reports Synced, Degraded');
    expect(done.text).toMatch(/pods? not ready: ImagePullBackOff/);
    expect(done.text).toContain('Reverted to v2.3.1 with commit');

    const revert = await headCommit();
    expect(revert.message).toMatch(
      /^Revert billing to v2.3.1 in prod\n\nAutomatic rollback: the rollout of v2.4.0 failed\./,
    );
    const octokit = octokitFor(world.github, GITHUB_TOKEN);
    const { data: deployCommit } = await octokit.rest.repos.getCommit({ owner, repo, ref: revert.parents[0] ?? '' });
    // No force push: the failed deploy's commit stays in history, under the revert.
    expect(deployCommit.commit.message).toMatch(/^Deploy billing to v2.4.0/);
    expect(overlay(world.github)).toBe(before);
    expect(imageOf('prod')).toBe('ghcr.io/acme/billing:v2.3.1');
    const report = await h.slack.waitFor(() => (thread(msg).includes('<@U0ALICE> failed') ? thread(msg) : undefined));
    expect(report).toContain('Reverted to v2.3.1');
  });

  it('opens a pull request in pull-request mode and merges it once its required check passed', async () => {
    const configText = (await teamConfigText()).replace(
      /\n {6}mode: commit {2,}#[^\n]*\n[^\n]*\n/,
      '\n      mode: pull-request\n',
    );
    expect(configText).toContain('mode: pull-request');
    world.github.requireChecks(GITOPS.repo, GITOPS.branch, ['manifests/validate']);
    await start({ configText });
    const octokit = octokitFor(world.github, GITHUB_TOKEN);
    const msg = await approvedDeploy();
    const pr = await vi.waitFor(
      async () => {
        const [open] = (await octokit.rest.pulls.list({ owner, repo, state: 'open' })).data;
        return open ?? expect.unreachable('no pull request yet');
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(pr.title).toBe('Deploy billing to v2.4.0 in prod');
    expect(pr.body).toContain('Approved-by: U0BOB');
    // The merge waits for the required check.
    await h.slack.waitFor(() => (thread(msg).includes('waiting until GitHub allows the merge') ? true : undefined));
    expect(overlay(world.github)).toContain('newTag: v2.3.1');
    world.github.setCommitStatus(GITOPS.repo, pr.head.sha, 'manifests/validate', 'success');

    const done = await settled(h, msg, 30_000);
    expect(done.text).toContain(':white_check_mark:');
    expect(done.text).toContain(`pull request #${pr.number}, merged as`);
    const { data: merged } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr.number });
    expect(merged.merged).toBe(true);
    expect(overlay(world.github)).toContain('newTag: v2.4.0 # the version running in prod');
    expect(imageOf('prod')).toBe('ghcr.io/acme/billing:v2.4.0');
  });

  it('writes again on top of a teammate edit that lands between its read and its write', async () => {
    const proxy = await interpose(world.github, { method: 'PUT', path: /\/contents\// }, () => {
      editManifest(world.github, 'prod');
    });
    closers.push(proxy.close);
    await start({ githubUrl: proxy.url });
    const msg = await approvedDeploy();
    const done = await settled(h, msg, 30_000);
    expect(done.text).toContain(':white_check_mark:');
    const writes = world.github.requests.filter((r) => r.method === 'PUT' && r.path.includes('/contents/'));
    expect(writes.map((r) => r.status)).toEqual([409, 200]);
    expect(proxy.hits()).toBe(2);
    const after = overlay(world.github);
    expect(after).toContain('# Reviewed (1) by dave: nothing to change.');
    expect(after).toContain('newTag: v2.4.0 # the version running in prod');
    expect(done.text).toContain('written again on top of 1 concurrent edit of the file');
  });

  it('refuses, writing nothing, when a teammate changed the tag between its read and its write', async () => {
    const proxy = await interpose(world.github, { method: 'PUT', path: /\/contents\// }, () => {
      const text = overlay(world.github).replace('newTag: v2.3.1', 'newTag: v2.3.0');
      world.github.writeFiles(GITOPS.repo, { [GITOPS.files.prod]: text }, { message: 'billing: pin v2.3.0' });
    });
    closers.push(proxy.close);
    await start({ githubUrl: proxy.url });
    const msg = await approvedDeploy();
    const done = await settled(h, msg, 30_000);
    expect(done.text).toContain(':x:');
    expect(done.text).toContain('is now v2.3.0, not v2.3.1: someone changed it since this change was planned');
    expect((await headCommit()).message).toBe('billing: pin v2.3.0');
    expect(overlay(world.github)).toContain('newTag: v2.3.0');
  });

  it('warns on /rollback when the Argo CD Application does not sync by itself', async () => {
    await start();
    gitops.argocd.setAutoSync('billing-prod', false);
    const msg = await newRequest(h, 'U0BOB', '/rollback', 'billing prod', 'Roll back billing in prod');
    const text = textOf(msg);
    expect(text).toContain('v2.3.1 (acme/deploy-manifests/billing/overlays/prod/kustomization.yaml)');
    expect(text).toMatch(/v2\.3\.0 \(as of [0-9a-f]{7}\)/);
    expect(text).toContain(
      'Argo CD application billing-prod has auto-sync disabled: a commit to billing/overlays/prod/kustomization.yaml ' +
        'applies only when someone syncs it',
    );
  });
});
