// Moderation (SPEC §15): a muted group member cannot send (thread replies included), edit, react or type until
// the mute ends: 403 whose message and `data.muted_until` give the time. Runs after requireChatMember or
// requireMessageAccess, which load the mute with the membership (cached per instance; a mute or unmute
// forgets the cached entry on every instance). A mute ends by itself: it is compared with the clock.
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'

export const mutedError = (until: string) =>
  new Forbidden(`You are muted in this group until ${until}`, { muted_until: until })

export const refuseMuted = async (context: HookContext) => {
  if (!context.params.provider) return
  const until = context.params.membership?.muted_until
  if (!until) return
  const end = new Date(until)
  if (end.getTime() > Date.now()) throw mutedError(end.toISOString())
}
