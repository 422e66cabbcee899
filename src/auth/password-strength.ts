// How guessable a password is, by zxcvbn (dictionaries of common passwords, names and words, keyboard
// patterns, dates, repeats, l33t…). The dictionaries weigh a few MB: they are loaded on the first check.
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core'

let factory: ZxcvbnFactory | undefined

const zxcvbn = () => {
  if (!factory) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en')
    factory = new ZxcvbnFactory({
      translations: en.translations,
      graphs: common.adjacencyGraphs,
      dictionary: { ...common.dictionary, ...en.dictionary }
    })
  }
  return factory
}

/** The words of the account itself (name, email and its parts): a password built from them is guessable. */
const accountWords = (account: { name?: unknown; email?: unknown }) =>
  [account.name, account.email]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .flatMap((v) => [v, ...v.toLowerCase().split(/[\s@.+_-]+/)])
    .filter((w) => w.length >= 3)

/** zxcvbn's score (0 too guessable … 4 very unguessable) and its feedback, for this password of this account. */
export const passwordStrength = (
  password: string,
  account: { name?: unknown; email?: unknown } = {}
): Pick<ZxcvbnResult, 'score' | 'feedback'> => {
  const { score, feedback } = zxcvbn().check(password, accountWords(account))
  return { score, feedback }
}
