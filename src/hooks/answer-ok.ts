// SPEC §3: 201 only when a call creates a resource. A `create` that creates nothing (a login, a token
// refresh, a logout, a typing signal, leaving a group) answers 200 over REST. Sockets have no status.
import type { HookContext } from '../declarations'

export const answerOk = async (context: HookContext) => {
  context.http = { ...context.http, status: 200 }
}

/** 200 when this call turned out to create nothing (e.g. every member asked for was already there). */
export const answerOkWhen =
  (createdNothing: (context: HookContext) => boolean) => async (context: HookContext) => {
    if (createdNothing(context)) await answerOk(context)
  }
