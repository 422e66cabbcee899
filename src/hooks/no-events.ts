// For services that delegate to a canonical service: the canonical one emits the event, so a resource's
// events always come from one path however the request arrived; this one emits none.
import type { HookContext } from '../declarations'

export const noEvents = async (context: HookContext) => {
  context.event = null
}
