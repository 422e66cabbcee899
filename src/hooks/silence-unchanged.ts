// An idempotent call that changed nothing (reacting again, pinning a pinned message, taking back what is not
// there) announces nothing: the service sets `params.changed = false`, this hook drops the event, and a
// create also answers 200 instead of 201 (SPEC §3). `params.changed` is declared in src/declarations.ts.
import type { HookContext } from '../declarations'
import { answerOkWhen } from './answer-ok'

const unchanged = (context: HookContext) => context.params.changed === false

export const silenceUnchanged = async (context: HookContext) => {
  if (unchanged(context)) context.event = null
}

/** After a create: no event, and 200, when nothing was created. */
export const unchangedCreate = [silenceUnchanged, answerOkWhen(unchanged)]
