// Outgoing webhooks (SPEC §15): a webhook's `url` must be a target the SSRF guard accepts
// (services/webhooks/target-guard.ts), checked on create and on a PATCH that changes it; refused with a 400
// naming `url`. The same check runs again at every delivery (DNS answers can change).
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { checkTarget, TargetRefused } from '../services/webhooks/target-guard'

export const requireWebhookTarget = async (context: HookContext) => {
  const url = context.data?.url
  if (url === undefined) return
  try {
    await checkTarget(String(url), context.app.get('webhooks').allowPrivateTargets)
  } catch (error) {
    if (!(error instanceof TargetRefused)) throw error
    throw new BadRequest(`Invalid data: url ${error.message}`, [
      { instancePath: '/url', message: error.message }
    ])
  }
}
