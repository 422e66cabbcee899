// Passwords must be at least `limits.passwordMinLength` characters (configurable, so it lives outside the
// static schema). bcrypt reads at most 72 bytes: longer passwords are refused rather than silently cut.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'

export const enforcePasswordPolicy = async (context: HookContext) => {
  const password = context.data?.password
  if (typeof password !== 'string') return
  const min = context.app.get('limits').passwordMinLength
  const problem =
    password.length < min
      ? `must NOT have fewer than ${min} characters`
      : Buffer.byteLength(password) > 72
        ? 'must NOT be longer than 72 bytes'
        : undefined
  if (problem) {
    throw new BadRequest(`password ${problem}`, [
      { instancePath: '/password', path: 'password', message: problem }
    ])
  }
}
