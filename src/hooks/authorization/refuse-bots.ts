// Bots act as users, but some things only a person does: managing bots (a bot cannot make bots).
import { Forbidden } from '@feathersjs/errors'
import type { HookContext } from '../../declarations'

export const refuseBots = async (context: HookContext) => {
  if (context.params.user?.is_bot) throw new Forbidden('A bot cannot do this')
}
