// Registration's password rules (src/auth/password-policy.ts, shared with the CLI's reset-password).
import type { HookContext } from '../declarations'
import { checkPasswordPolicy } from '../auth/password-policy'

/**
 * Checks `context.data.password`. The account's name and email come from the same data, or from
 * `context.params.user` when it changes its own password.
 */
export const enforcePasswordPolicy = async (context: HookContext) => {
  const password = context.data?.password
  if (typeof password !== 'string') return
  const account = {
    name: context.data.name ?? context.params?.user?.name,
    email: context.data.email ?? context.params?.user?.email
  }
  checkPasswordPolicy(password, account, context.app.get('limits').passwordMinLength)
}
