// SPEC §9 "sockets per user": an authentication over a socket beyond the user's cap fails with a 429 naming
// the limit, so that socket joins no channel and gets no events (channels.ts attaches only after this hook).
// The count itself lives in src/realtime/socket-cap.ts (across instances with Redis).
import { TooManyRequests } from '@feathersjs/errors'
import type { HookContext } from '../declarations'

export const limitSocketsPerUser = async (context: HookContext) => {
  const connection = context.params.connection
  const user = context.result?.user
  if (!connection || !user) return
  const cap = context.app.get('socketCap')
  if (await cap.admit(user.user_id, connection)) return
  throw new TooManyRequests(
    `Too many open sockets for this user: at most ${cap.limit} (MAX_SOCKETS_PER_USER); close one and retry`,
    { limit: cap.limit }
  )
}
