// Password rules after NIST SP 800-63B §3.1.1.2: at least `limits.passwordMinLength` characters (8 or more,
// counted in code points), at most 72 bytes (bcrypt reads no further: longer passwords are refused rather
// than silently cut), no composition rules, and no guessable password: zxcvbn (src/auth/password-strength.ts)
// must score it at least MIN_SCORE, knowing the account's own name and email.
import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '../declarations'
import { passwordStrength } from '../auth/password-strength'

/** zxcvbn 2: "somewhat guessable", about 10^8 guesses, which an online attacker (rate-limited login) cannot make. */
export const MIN_SCORE = 2

const refuse = (problem: string, details: object = {}) =>
  new BadRequest(`password ${problem}`, [
    { instancePath: '/password', path: 'password', message: problem, ...details }
  ])

/**
 * Checks `context.data.password` (registration, the CLI's create and reset-password). The account's name and
 * email come from the same data, or from `context.params.user` when it changes its own password.
 */
export const enforcePasswordPolicy = async (context: HookContext) => {
  const password = context.data?.password
  if (typeof password !== 'string') return
  const min = context.app.get('limits').passwordMinLength
  if ([...password].length < min) throw refuse(`must NOT have fewer than ${min} characters`)
  if (Buffer.byteLength(password) > 72) throw refuse('must NOT be longer than 72 bytes')
  const account = {
    name: context.data.name ?? context.params?.user?.name,
    email: context.data.email ?? context.params?.user?.email
  }
  const { score, feedback } = passwordStrength(password, account)
  if (score < MIN_SCORE) {
    const advice = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ')
    throw refuse(`is too easy to guess${advice ? `: ${advice}` : ''}`, { score, ...feedback })
  }
}
