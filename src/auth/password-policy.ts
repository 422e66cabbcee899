// Password rules after NIST SP 800-63B §3.1.1.2: at least `limits.passwordMinLength` characters (8 or more,
// counted in code points), at most 72 bytes (bcrypt reads no further: longer passwords are refused rather
// than silently cut), no composition rules, and no guessable password: zxcvbn (./password-strength.ts)
// must score it at least MIN_SCORE, knowing the account's own name and email. Registration (the
// password-policy hook) and the CLI's reset-password both call checkPasswordPolicy.
import { BadRequest } from '@feathersjs/errors'
import { passwordStrength } from './password-strength'

/** zxcvbn 2: "somewhat guessable", about 10^8 guesses, which an online attacker (rate-limited login) cannot make. */
export const MIN_SCORE = 2

const refuse = (problem: string, details: object = {}) =>
  new BadRequest(`password ${problem}`, [
    { instancePath: '/password', path: 'password', message: problem, ...details }
  ])

/** Throws a 400 naming the problem when this password of this account breaks the rules. */
export const checkPasswordPolicy = (
  password: string,
  account: { name?: unknown; email?: unknown },
  minLength: number
) => {
  if ([...password].length < minLength) throw refuse(`must NOT have fewer than ${minLength} characters`)
  if (Buffer.byteLength(password) > 72) throw refuse('must NOT be longer than 72 bytes')
  const { score, feedback } = passwordStrength(password, account)
  if (score < MIN_SCORE) {
    const advice = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ')
    throw refuse(`is too easy to guess${advice ? `: ${advice}` : ''}`, { score, ...feedback })
  }
}
