import { type ActionContext, defineAction } from '../src/core/action.ts';
import { ALERT_LOGS, ALERT_ROLLBACK, ALERT_SCALE, ALERT_STATUS } from '../src/core/alerts/alert-message.ts';
import { UserError } from '../src/core/errors.ts';
import { code, concat, t } from '../src/core/text.ts';
import { readContent } from '../src/core/alerts/alert-group.ts';
import { scalerOf } from './target.ts';

type AlertDeps = 'alerts' | 'catalog' | 'backends' | 'requests';
const NEEDS: readonly AlertDeps[] = ['alerts', 'catalog', 'backends', 'requests'];

/** The service and environment of the alert whose button was clicked, looked up from the store. */
async function targetOf(
  ctx: ActionContext<AlertDeps>,
  id: string,
): Promise<{ service: string; env: string; reason: string }> {
  const group = await ctx.deps.alerts.getAlertGroup(id);
  if (!group?.service || !group.env) throw new UserError('This alert is no longer known; use the commands directly.');
  // The reason is typed into a command line: only characters that cannot end or escape its quotes.
  const name = (readContent(group.content)?.name ?? 'alert').replace(/[^\w .:-]/g, '').slice(0, 100);
  return { service: group.service, env: group.env, reason: `alert ${name}` };
}

/**
 * The buttons on alert messages. Each runs the command a person would type, as the clicker, through the
 * whole pipeline: permissions, channel rules, locks, freezes, approvals and audit are those of the command.
 */
export const alertActions = [
  defineAction({
    actionId: ALERT_LOGS,
    needs: NEEDS,
    async handler(ctx) {
      const { service, env } = await targetOf(ctx, ctx.click.value);
      await ctx.runCommand(`/logs ${service} ${env} --since 15m`);
    },
  }),
  defineAction({
    actionId: ALERT_STATUS,
    needs: NEEDS,
    async handler(ctx) {
      const { service, env } = await targetOf(ctx, ctx.click.value);
      await ctx.runCommand(`/ops status ${service} ${env}`);
    },
  }),
  defineAction({
    actionId: ALERT_SCALE,
    needs: NEEDS,
    async handler(ctx) {
      const { service, env, reason } = await targetOf(ctx, ctx.click.value);
      const bounds = ctx.deps.catalog.services[service]?.scale;
      if (!bounds) throw new UserError(t`${code(service)} has no replica bounds to scale within.`);
      const { replicas } = await scalerOf(ctx.deps.backends, service).status({ service, env });
      const wanted = Math.min(replicas + (ctx.deps.catalog.alerts?.scaleStep ?? 1), bounds.max);
      if (wanted <= replicas) {
        throw new UserError(t`${code(service)} in ${code(env)} already runs ${replicas} replicas, its maximum.`);
      }
      await ctx.runCommand(`/scale ${service} ${env} ${wanted} --reason "${reason}"`);
    },
  }),
  defineAction({
    actionId: ALERT_ROLLBACK,
    needs: NEEDS,
    async handler(ctx) {
      const [id = '', changeId = ''] = ctx.click.value.split(':');
      const { service, env, reason } = await targetOf(ctx, id);
      const [latest] = await ctx.deps.requests.listRequests({
        service,
        env,
        states: ['running', 'succeeded', 'failed'],
        newestFirst: true,
        limit: 1,
      });
      // The button undoes the change it names; after a newer one, rolling back would undo something else.
      if (latest?.id !== changeId) {
        throw new UserError(
          concat(
            t`Another change to ${code(service)} in ${code(env)} came after this alert was posted; `,
            t`look at ${code(`/ops status ${service} ${env}`)} and roll back with ${code('/rollback')} if needed.`,
          ),
        );
      }
      await ctx.runCommand(`/rollback ${service} ${env} --reason "${reason}"`);
    },
  }),
];
