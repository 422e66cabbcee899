// A PUT on these services edits like a PATCH; announcing it as `patched` means clients listen for one
// change event per resource, however the change was requested.
import type { HookContext } from '../declarations'

export const announceAsPatched = async (context: HookContext) => {
  context.event = 'patched'
}
